using Microsoft.Extensions.Configuration;

namespace MemoSync.Cli.Configuration;

/// <summary>A <c>.env</c> file (<c>NAME=VALUE</c> lines, as python-dotenv reads them) as a configuration source.</summary>
internal sealed class DotEnvConfigurationSource : FileConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new DotEnvConfigurationProvider(this);
    }
}
