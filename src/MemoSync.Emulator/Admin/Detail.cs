namespace MemoSync.Emulator.Admin;

/// <summary>FastAPI's body for HTTP errors that are not the envelope: <c>{"detail": "..."}</c>.</summary>
/// <param name="detail">The message.</param>
internal sealed record Detail(string detail)
{
    public IResult ToResult(int status) => Results.Json(this, EmulatorJsonContext.Default.Detail, statusCode: status);
}
