using MemoSync.Memobase;
using MemoSync.Memobase.Errors;

namespace MemoSync.Cli;

/// <summary>Asks Memobase whether it answers and accepts our token, and says in one sentence which setting to fix when not.</summary>
internal static class MemobaseProbe
{
    /// <summary>Returns when Memobase answers and accepts the token.</summary>
    /// <exception cref="CliFailure">It does not; <see cref="CliFailure.ExitCode"/> is <see cref="ExitCodes.Unreachable"/> or <see cref="ExitCodes.Refused"/>.</exception>
    public static async Task CheckAsync(IMemobaseClient client, CancellationToken ct)
    {
        try
        {
            await client.CheckAccessAsync(ct);
        }
        catch (MemobaseException e)
        {
            throw Explain(client.ApiRoot, e);
        }
    }

    /// <summary>
    /// Before delivering: a refused token or a URL that is not Memobase stops the command (nothing would
    /// ever get through), while an unreachable Memobase is only said on standard error and returned, since
    /// turns wait in the journal until it answers.
    /// </summary>
    /// <exception cref="CliFailure">Memobase refused the token or the URL.</exception>
    public static async Task<CliFailure?> CheckBeforeDeliveringAsync(IMemobaseClient client, CancellationToken ct)
    {
        try
        {
            await CheckAsync(client, ct);
            return null;
        }
        catch (CliFailure e) when (e.ExitCode == ExitCodes.Unreachable)
        {
            await Console.Error.WriteLineAsync($"memosync: {e.Message} Turns wait in the journal until it answers.");
            return e;
        }
    }

    private static CliFailure Explain(Uri api, MemobaseException e) => e switch
    {
        { Kind: MemobaseErrorKind.Configuration, HttpStatus: 404 } =>
            new(ExitCodes.Refused, $"{api} is not a Memobase API (HTTP 404): check MEMOBASE_URL, it should be the server root such as http://localhost:8019/.", e),
        { Kind: MemobaseErrorKind.Configuration } =>
            new(ExitCodes.Refused, $"Memobase at {api} refused the token (HTTP {e.HttpStatus}): check MEMOBASE_TOKEN.", e),
        _ => new(ExitCodes.Unreachable, $"Memobase at {api} cannot be reached ({(e.InnerException as HttpRequestException)?.Message ?? e.Message}): check MEMOBASE_URL, or start Memobase.", e),
    };
}
