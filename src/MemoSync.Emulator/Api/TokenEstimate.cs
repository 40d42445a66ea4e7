using System.Text;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The server counts tokens with tiktoken; without it, one token per four UTF-8 bytes is close for
/// English (about four characters a token) and for Chinese (three bytes a character, about one token).
/// </summary>
internal static class TokenEstimate
{
    public static int Of(string text) => (Encoding.UTF8.GetByteCount(text) + 3) / 4;
}
