namespace MemoSync.TestSupport;

/// <summary>Exchanges that depart from the OpenAPI document, each named by operation and place.</summary>
public sealed class ContractViolationException(IReadOnlyList<string> problems)
    : Exception($"{problems.Count} departure(s) from the Memobase OpenAPI document:\n" + string.Join("\n", problems))
{
    /// <summary>Each departure.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
