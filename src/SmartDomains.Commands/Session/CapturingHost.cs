using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace SmartDomains.Commands.Session;

/// <summary>
/// The host of a runspace that nobody sits in front of. What cmdlets write to the host itself, such as -WhatIf's "What if:"
/// lines (which reach no stream), goes to <see cref="Lines"/>, line by line. It has no raw UI, so the module's cmdlets see a
/// non-interactive session and never prompt; a prompt from anything else fails in words.
/// </summary>
internal sealed class CapturingHost : PSHost
{
    private readonly CapturingUserInterface _ui;

    public CapturingHost() => _ui = new CapturingUserInterface(this);

    /// <summary>Where the host's lines go now; the runspace's one invocation at a time sets it.</summary>
    public Action<string>? Lines { get; set; }

    public override string Name => "SmartDomains";
    public override Version Version => typeof(CapturingHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw NoPrompt();
    public override void ExitNestedPrompt() => throw NoPrompt();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    private static PSInvalidOperationException NoPrompt() =>
        new("This runspace works in the background for a session (the portal, a job); it cannot prompt.");

    private sealed class CapturingUserInterface : PSHostUserInterface
    {
        private readonly CapturingHost _host;
        private readonly System.Text.StringBuilder _partial = new();

        public CapturingUserInterface(CapturingHost host) => _host = host;

        public override PSHostRawUserInterface? RawUI => null;

        public override void Write(string value)
        {
            lock (_partial)
            {
                _partial.Append(value);
                var text = _partial.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0) return;
                _partial.Clear().Append(text[(end + 1)..]);
                foreach (var line in text[..end].Split('\n')) _host.Lines?.Invoke(line.TrimEnd('\r'));
            }
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) => Write(value + "\n");
        public override void WriteErrorLine(string value) => WriteLine(value);
        public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }   // progress comes through its stream
        public override string ReadLine() => throw NoPrompt();
        public override SecureString ReadLineAsSecureString() => throw NoPrompt();
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();
    }
}
