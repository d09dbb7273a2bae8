namespace SmartDomains.XlConfig;

/// <summary>
/// LALR(1) tables built like bison's: canonical LR(1) sets merged by core, shifts preferred, a default reduction
/// per state (the most frequent one; none where 'error' is shifted), and states that need no lookahead.
/// </summary>
internal sealed class LalrTables
{
    public sealed class State
    {
        /// <summary>Explicit actions: positive = shift to state, negative = reduce rule -(n+1).</summary>
        public readonly Dictionary<int, int> Actions = new();
        public readonly Dictionary<int, int> Gotos = new();
        public int DefaultRule = -1;
        /// <summary>bison's "yypact is default": act without reading a lookahead.</summary>
        public bool NoLookahead;
        public bool IsFinal;
    }

    public readonly List<State> States = new();

    private readonly record struct Item(int Rule, int Dot, int La);

    public static readonly LalrTables Instance = Build();

    private static LalrTables Build()
    {
        var rules = XlConfigGrammar.Rules;
        int nt = XlConfigGrammar.NTokens, ns = XlConfigGrammar.NSymbols;
        bool IsTerm(int s) => s < nt;

        // FIRST sets and nullability.
        var nullable = new bool[ns];
        var first = new HashSet<int>[ns];
        for (int s = 0; s < ns; s++) first[s] = IsTerm(s) ? new HashSet<int> { s } : new HashSet<int>();
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var r in rules)
            {
                bool allNull = true;
                foreach (var sym in r.Rhs)
                {
                    int before = first[r.Lhs].Count;
                    first[r.Lhs].UnionWith(first[sym]);
                    changed |= first[r.Lhs].Count != before;
                    if (!nullable[sym]) { allNull = false; break; }
                }
                if (allNull && !nullable[r.Lhs]) { nullable[r.Lhs] = true; changed = true; }
            }
        }

        HashSet<Item> Closure(IEnumerable<Item> kernel)
        {
            var set = new HashSet<Item>(kernel);
            var work = new Stack<Item>(set);
            while (work.Count > 0)
            {
                var it = work.Pop();
                var rhs = rules[it.Rule].Rhs;
                if (it.Dot >= rhs.Length || IsTerm(rhs[it.Dot])) continue;
                var la = new HashSet<int>();
                int k = it.Dot + 1;
                for (; k < rhs.Length; k++) { la.UnionWith(first[rhs[k]]); if (!nullable[rhs[k]]) break; }
                if (k == rhs.Length) la.Add(it.La);
                for (int r = 0; r < rules.Length; r++)
                    if (rules[r].Lhs == rhs[it.Dot])
                        foreach (var t in la)
                            if (set.Add(new Item(r, 0, t))) work.Push(new Item(r, 0, t));
            }
            return set;
        }

        static string Core(IEnumerable<Item> items) =>
            string.Join(";", items.Select(i => (i.Rule, i.Dot)).Distinct().OrderBy(x => x.Rule).ThenBy(x => x.Dot));

        // LR(1) collection with states merged by core as they are found (LALR).
        var states = new List<HashSet<Item>>();
        var byCore = new Dictionary<string, int>();
        var trans = new List<Dictionary<int, int>>();
        int AddState(HashSet<Item> kernel)
        {
            string core = Core(kernel);
            if (byCore.TryGetValue(core, out int idx))
            {
                int before = states[idx].Count;
                states[idx].UnionWith(Closure(kernel));
                return states[idx].Count != before ? -idx - 1 : idx;
            }
            states.Add(Closure(kernel)); trans.Add(new());
            byCore[core] = states.Count - 1;
            return -(states.Count - 1) - 1;
        }
        var start = AddState(new HashSet<Item> { new(0, 0, 0) });
        var pending = new Queue<int>(); pending.Enqueue(0);
        while (pending.Count > 0)
        {
            int s = pending.Dequeue();
            var symbols = states[s].Where(i => i.Dot < rules[i.Rule].Rhs.Length)
                                   .Select(i => rules[i.Rule].Rhs[i.Dot]).Distinct().OrderBy(x => x).ToList();
            foreach (var sym in symbols)
            {
                var kernel = states[s].Where(i => i.Dot < rules[i.Rule].Rhs.Length && rules[i.Rule].Rhs[i.Dot] == sym)
                                      .Select(i => i with { Dot = i.Dot + 1 }).ToHashSet();
                int r = AddState(kernel);
                int target = r < 0 ? -r - 1 : r;
                trans[s][sym] = target;
                if (r < 0) pending.Enqueue(target); // new state or grown lookaheads: revisit
            }
        }

        var t = new LalrTables();
        for (int s = 0; s < states.Count; s++)
        {
            var st = new State();
            var reds = new Dictionary<int, HashSet<int>>();
            foreach (var it in states[s])
                if (it.Dot == rules[it.Rule].Rhs.Length)
                {
                    if (!reds.TryGetValue(it.Rule, out var las)) reds[it.Rule] = las = new HashSet<int>();
                    las.Add(it.La);
                }
                else if (it.Rule == 0 && it.Dot == 2) st.IsFinal = true;
            if (states[s].Any(i => i.Rule == 0 && i.Dot == 2)) st.IsFinal = true;
            bool shiftsTerminal = false, shiftsError = false;
            foreach (var (sym, to) in trans[s])
            {
                if (IsTerm(sym)) { st.Actions[sym] = to; shiftsTerminal = true; if (sym == 1) shiftsError = true; }
                else st.Gotos[sym] = to;
            }
            // Reductions, lowest rule first; shifts win conflicts (bison's default resolution).
            foreach (var (rule, las) in reds.OrderBy(kv => kv.Key))
                foreach (var la in las)
                    if (!st.Actions.ContainsKey(la)) st.Actions[la] = -(rule + 1);
            bool consistent = !(reds.Count > 1 || (reds.Count == 1 && shiftsTerminal));
            if (reds.Count >= 1 && !shiftsError)
            {
                if (consistent) st.DefaultRule = reds.Keys.Min();
                else
                {
                    int max = 0;
                    foreach (var rule in reds.Keys.OrderBy(k => k))
                    {
                        int count = st.Actions.Values.Count(a => a == -(rule + 1));
                        if (count > max) { max = count; st.DefaultRule = rule; }
                    }
                }
                if (st.DefaultRule >= 0)
                    foreach (var k in st.Actions.Where(kv => kv.Value == -(st.DefaultRule + 1)).Select(kv => kv.Key).ToList())
                        st.Actions.Remove(k);
            }
            st.NoLookahead = st.Actions.Count == 0;
            t.States.Add(st);
        }
        return t;
    }
}
