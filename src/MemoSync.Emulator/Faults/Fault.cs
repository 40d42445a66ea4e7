namespace MemoSync.Emulator.Faults;

/// <summary>What happens to one request.</summary>
internal enum Fault
{
    None,
    Drop,
    Http500,
    Http503,
    Http429,
    Errno500,
    Quota,
    NullData,
    ProxyNotFound,
    Reject,
    LoseAnswer,
}
