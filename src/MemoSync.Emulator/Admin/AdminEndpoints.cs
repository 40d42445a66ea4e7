using MemoSync.Emulator.Faults;

namespace MemoSync.Emulator.Admin;

/// <summary><c>/_emulator</c>: read and change the faults, read and reset what was received.</summary>
internal static class AdminEndpoints
{
    /// <summary>A group of the emulator's own routes under <c>/_emulator</c><paramref name="under"/>: they need the token and take no faults.</summary>
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app, string under = "") =>
        app.MapGroup(EmulatorPaths.Admin + under).WithMetadata(RouteKind.Admin);

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = Group(app);
        admin.MapGet("/faults", (FaultInjector faults) => Results.Json(faults.Settings, EmulatorJsonContext.Default.FaultSettings));
        admin.MapPut("/faults", async Task<IResult> (HttpContext http, FaultInjector faults, CancellationToken ct) =>
        {
            var (settings, problem) = await SettingsBody.ReadAsync(http, EmulatorJsonContext.Default.FaultSettings, s => s.Validate(), "fault settings", ct);
            if (problem is not null)
            {
                return problem;
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
