namespace MemoSync.Cli.Chat;

/// <summary>What <c>memosync chat</c> drives, over chat completions or the realtime protocol: a start, then one turn per line typed.</summary>
internal interface ITextConversation
{
    /// <summary>Turns recorded in the journal so far.</summary>
    int TurnsRecorded { get; }

    /// <summary>Gets ready for the first turn; true when Memobase had memory of the user for the instructions.</summary>
    Task<bool> StartAsync(CancellationToken ct);

    /// <summary>One exchange: the answer streams to the terminal and the turn is recorded however it ends.</summary>
    Task TurnAsync(string said, CancellationToken ct);
}
