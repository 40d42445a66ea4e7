using MemoSync.Journal;

namespace MemoSync.Cli.Commands;

/// <summary>Reads a journal location (<see cref="JournalLocation"/>) given on the command line or in the settings.</summary>
internal static class JournalOption
{
    /// <summary>Reads a location; one that cannot be read fails like a journal that cannot be opened, with the reason.</summary>
    /// <exception cref="JournalUnavailableException">The location cannot be read.</exception>
    public static JournalLocation Parse(string? location)
    {
        try
        {
            return JournalLocation.Parse(location);
        }
        catch (ArgumentException e)
        {
            throw new JournalUnavailableException(e.Message, e);
        }
    }
}
