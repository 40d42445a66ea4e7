using System.Text.Json;
using MemoSync.Emulator.Faults;

namespace MemoSync.Emulator.Admin;

/// <summary><c>/_emulator</c>: read and change the faults, read and reset what was received.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(EmulatorPaths.Admin);
        admin.MapGet("/faults", (FaultInjector faults) => Results.Json(faults.Settings, EmulatorJsonContext.Default.FaultSettings));
        admin.MapPut("/faults", async (HttpContext http, FaultInjector faults, CancellationToken ct) =>
        {
            FaultSettings? settings;
            try
            {
                settings = await JsonSerializer.DeserializeAsync(http.Request.Body, EmulatorJsonContext.Default.FaultSettings, ct);
            }
            catch (JsonException e)
            {
                return new Detail($"The fault settings are not valid JSON: {e.Message}").ToResult(400);
            }
            if ((settings is null ? "the body is empty" : settings.Validate()) is { } error)
            {
                return new Detail($"Invalid fault settings: {error}").ToResult(400);
            }
            faults.Settings = settings!;
            return Results.Json(settings, EmulatorJsonContext.Default.FaultSettings);
        });
        admin.MapPost("/faults/reset", (FaultInjector faults) =>
        {
            faults.Settings = new FaultSettings();
            return Results.Json(faults.Settings, EmulatorJsonContext.Default.FaultSettings);
        });
        admin.MapGet("/stats", (ReceivedLedger ledger) => Results.Json(ledger.Snapshot(), EmulatorJsonContext.Default.EmulatorStats));
        admin.MapPost("/stats/reset", (ReceivedLedger ledger) =>
        {
            ledger.Reset();
            return Results.NoContent();
        });
    }
}
