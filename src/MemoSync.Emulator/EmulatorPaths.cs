namespace MemoSync.Emulator;

/// <summary>Where things live on the emulator.</summary>
internal static class EmulatorPaths
{
    public const string Api = "/api/v1";
    public const string Healthcheck = "/api/v1/healthcheck";
    public const string Admin = "/_emulator";
}
