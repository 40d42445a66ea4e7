namespace MemoSync.Cli;

/// <summary>What <c>memosync</c> exits with; docs/COMMANDS.md lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected (<c>--verbose</c> prints the stack trace).</summary>
    public const int Unexpected = 1;

    /// <summary>A setting or argument is missing or cannot be used, on the command line too (the message names it).</summary>
    public const int BadSetting = 2;

    /// <summary>Memobase cannot be reached (down, or a wrong host or port).</summary>
    public const int Unreachable = 3;

    /// <summary>Memobase refused the token, or the URL is not a Memobase server's root.</summary>
    public const int Refused = 4;

    /// <summary>The journal cannot be opened, read or written.</summary>
    public const int JournalUnavailable = 5;

    /// <summary>Some input lines were bad (each named on standard error); every other line was taken.</summary>
    public const int SomeLinesBad = 6;

    /// <summary>What was asked for does not exist (a user unknown to Memobase).</summary>
    public const int NotFound = 7;

    /// <summary><c>status --check</c>: the journal is unhealthy (too many unsynced turns, dead turns, an old pending turn).</summary>
    public const int Unhealthy = 8;
}
