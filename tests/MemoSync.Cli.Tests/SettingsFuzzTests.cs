using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MemoSync.Cli.Configuration;
using MemoSync.Hosting;
using MemoSync.Memobase;
using MemoSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Options;

namespace MemoSync.Cli.Tests;

/// <summary>
/// Generated and mutated <c>.env</c> files, read as the commands read them (a real file, then the guide's names, then the
/// options' validation): each is refused with the documented error naming the line or the setting, or works.
/// </summary>
public sealed class SettingsFuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("memosync-env-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Names =
        ["MEMOBASE_URL", "MEMOBASE_TOKEN", "MEMOSYNC_JOURNAL", "MEMOBASE_SYNC_INTERVAL", "MEMOSYNC_LEASE", "MEMOBASE_TIMEOUT", "MEMOSYNC_LANES", "USER_ID"];

    private static readonly string[] Values =
    [
        "", "0", "1", "-1", "300", "5000000", "86400", "86401", "2147483647", "2147483648", "99999999999999999999", "1.5", "5m", " 7 ", "+5", "0x10",
        "http://localhost:8019/", "localhost:8019", "ftp://x/", "tok", "tok\u0001", "\"quoted\"", "'single'", "\"open", "a # comment", "a#b", "٣",
    ];

    /// <summary>Mostly a setting of the guide with a value odd for it; now and then a line that is no setting at all.</summary>
    private static Gen<string> Line =>
        Gen.Frequency(
            (6, from export in Gen.Elements("", "export ", "  ")
                from name in Gen.Elements(Names)
                from sign in Gen.Elements("=", " = ", "==")
                from value in Gen.Frequency(
                    (2, Gen.Elements(Values)),
                    // Whole seconds, small and large: past a day, and past the 49 days a .NET timer can wait.
                    (3, Gen.OneOf(Gen.Choose(0, 400), Gen.Choose(0, 10_000_000)).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                    (1, ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get.Replace('\n', ' '))))
                select export + name + sign + value),
            (1, Gen.Elements("", "# comment", "=value", "export", "NAME", "NA ME=1", "ÄÖ=1", "\t")));

    /// <summary>A file that works, then a few generated lines over it (so most files get as far as the options), a third of them mutated.</summary>
    private static Gen<byte[]> Files =>
        Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Line, n))
            .Select(lines => Encoding.UTF8.GetBytes(string.Join("\n", ["MEMOBASE_TOKEN=tok", "MEMOSYNC_JOURNAL=data/memosync.db", .. lines])))
            .SelectMany(text => Gen.Frequency((2, Gen.Constant(text)), (1, Fuzzing.BytesNear(text).Generator)));

    [Fact]
    public void Any_dotenv_file_is_used_or_refused_naming_the_line_or_the_setting()
    {
        var envFile = Path.Combine(_dir, ".env");
        Fuzzing.Check(Files.ToArbitrary(), bytes =>
        {
            File.WriteAllBytes(envFile, bytes);
            IConfiguration configuration;
            try
            {
                configuration = new ConfigurationBuilder()
                    .Add(new DotEnvConfigurationSource { Path = ".env", FileProvider = new PhysicalFileProvider(_dir, ExclusionFilters.None) })
                    .Build();
            }
            catch (InvalidDataException e) when (e.InnerException is FormatException line && line.Message.StartsWith(".env line ", StringComparison.Ordinal))
            {
                return;
            }
            using var services = new ServiceCollection().AddLogging().AddMemoSync(configuration).BuildServiceProvider();
            MemoSyncOptions options;
            try
            {
                options = services.GetRequiredService<IOptions<MemoSyncOptions>>().Value;
            }
            catch (OptionsValidationException e) when (e.Failures.All(f => Names.Any(n => f.Contains(n, StringComparison.Ordinal))))
            {
                return;
            }
            // Accepted settings work: the client takes them, and a timer takes every wait the engine sets from them.
            _ = services.GetRequiredService<IMemobaseClient>();
            foreach (var wait in new[] { options.Delivery.SyncInterval, options.Delivery.Lease / 3, options.MemobaseTimeout })
            {
                using var timer = new CancellationTokenSource(wait);
            }
        });
    }
}
