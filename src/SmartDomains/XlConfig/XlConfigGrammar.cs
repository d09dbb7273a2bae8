namespace SmartDomains.XlConfig;

/// <summary>
/// libxlutil's grammar (libxlu_cfg_y.y, Xen 4.17), written out as data. The LALR(1) tables are built from it
/// the way bison builds them, because bison's verbose "expecting ..." lists and its error recovery depend on
/// the exact states, default reductions and lookahead timing.
/// </summary>
internal static class XlConfigGrammar
{
    public const int NTokens = 13;
    // Nonterminals, numbered after the terminals as bison does.
    public const int Accept = 13, File = 14, Stmts = 15, Stmt = 16, Assignment = 17, EndStmt = 18,
        Value = 19, Atom = 20, ValueList = 21, Values = 22, NlOk = 23;
    public const int NSymbols = 24;

    public static readonly string[] Names =
    {
        "$end", "error", "$undefined", "IDENT", "STRING", "NUMBER", "NEWLINE", "+=", "'='", "';'", "'['", "']'", "','",
    };

    public enum Action { None, Accept, FileDone, StmtsEmpty, Set, Add, StringValue, ListValue, Pass, EmptyList, ListOf, Append }

    public sealed record Rule(int Lhs, int[] Rhs, Action Action);

    private const int T_IDENT = 3, T_STRING = 4, T_NUMBER = 5, T_NEWLINE = 6, T_ADD = 7, T_EQ = 8, T_SEMI = 9,
        T_LB = 10, T_RB = 11, T_COMMA = 12, T_ERROR = 1, T_END = 0;

    public static readonly Rule[] Rules =
    {
        new(Accept, new[] { File, T_END }, Action.Accept),
        new(File, new[] { Stmts }, Action.None),
        new(File, new[] { Stmts, Assignment }, Action.None),
        new(Stmts, Array.Empty<int>(), Action.None),
        new(Stmts, new[] { Stmts, Stmt }, Action.None),
        new(Stmt, new[] { Assignment, EndStmt }, Action.None),
        new(Stmt, new[] { EndStmt }, Action.None),
        new(Stmt, new[] { T_ERROR, T_NEWLINE }, Action.None),
        new(Assignment, new[] { T_IDENT, T_EQ, Value }, Action.Set),
        new(Assignment, new[] { T_IDENT, T_ADD, Value }, Action.Add),
        new(EndStmt, new[] { T_NEWLINE }, Action.None),
        new(EndStmt, new[] { T_SEMI }, Action.None),
        new(Value, new[] { Atom }, Action.StringValue),
        new(Value, new[] { T_LB, NlOk, ValueList, T_RB }, Action.ListValue),
        new(Atom, new[] { T_STRING }, Action.Pass),
        new(Atom, new[] { T_NUMBER }, Action.Pass),
        new(ValueList, Array.Empty<int>(), Action.EmptyList),
        new(ValueList, new[] { Values }, Action.Pass),
        new(ValueList, new[] { Values, T_COMMA, NlOk }, Action.Pass),
        new(Values, new[] { Value, NlOk }, Action.ListOf),
        new(Values, new[] { Values, T_COMMA, NlOk, Value, NlOk }, Action.Append),
        new(NlOk, Array.Empty<int>(), Action.None),
        new(NlOk, new[] { NlOk, T_NEWLINE }, Action.None),
    };
}
