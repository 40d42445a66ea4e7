using System.Text.Encodings.Web;
using System.Text.Json;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The wire types with the server's output encoding: FastAPI writes UTF-8 text as it is
/// (ensure_ascii off), so Chinese comes back readable rather than as \u escapes.
/// </summary>
internal static class WireJson
{
    public static MemobaseJsonContext Context { get; } =
        new(new JsonSerializerOptions(MemobaseJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
