using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MemoSync.Emulator.Admin;

/// <summary>Reads the settings document of an admin <c>PUT</c>, or the 400 answer naming what is wrong with it.</summary>
internal static class SettingsBody
{
    public static async Task<(T? Settings, IResult? Problem)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type, Func<T, string?> validate, string what,
        CancellationToken ct) where T : class
    {
        T? settings;
        try
        {
            settings = await JsonSerializer.DeserializeAsync(http.Request.Body, type, ct);
        }
        catch (JsonException e)
        {
            return (null, new Detail($"The {what} are not valid JSON: {e.Message}").ToResult(400));
        }
        return (settings is null ? "the body is empty" : validate(settings)) is { } error
            ? (null, new Detail($"Invalid {what}: {error}").ToResult(400))
            : (settings, null);
    }
}
