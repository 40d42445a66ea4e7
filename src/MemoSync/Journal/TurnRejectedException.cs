namespace MemoSync.Journal;

/// <summary>A turn that cannot be recorded as it is; <see cref="Field"/> names what is wrong. Nothing was written.</summary>
public sealed class TurnRejectedException(string field, string reason) : ArgumentException($"{field}: {reason}")
{
    /// <summary>The field at fault, e.g. <c>messages[1].role</c>.</summary>
    public string Field { get; } = field;
}
