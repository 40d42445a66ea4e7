using System.Text.Json.Nodes;
using MemoSync.Memobase.Errors;
using MemoSync.Memobase.Models;

namespace MemoSync.Memobase;

/// <summary>
/// Looks through a user's blobs of one type, newest first, for the first whose <c>fields[field]</c> is a value, never
/// sending more than a budget of requests. The server lists ids oldest first (by <c>created_at</c>) in pages and says
/// nothing of their number, so the last page is found first: pages 0, 1, 3, 7... until one is not full, then the gap
/// to the last full one is halved. Pages read on the way are kept.
/// </summary>
internal sealed class BlobFinder(IMemobaseClient client, MemobaseUserId user, string blobType, int maxRequests)
{
    /// <summary>Ids per list request: most users hold fewer blobs (chat blobs are deleted once processed), so one request lists them all.</summary>
    internal const int PageSize = 100;

    private readonly Dictionary<int, IReadOnlyList<Guid>> _pages = [];
    private int _requests;

    public async Task<Guid?> FindAsync(string field, string value, CancellationToken ct)
    {
        try
        {
            for (var page = await LastPageAsync(ct); page >= 0; page--)
            {
                if (await PageAsync(page, ct) is not { } ids)
                {
                    return null;
                }
                for (var i = ids.Count - 1; i >= 0; i--)
                {
                    if (!Spend())
                    {
                        return null;
                    }
                    if (await BlobAsync(ids[i], ct) is { } blob && blob.Fields?[field] is JsonValue v && v.TryGetValue<string>(out var s) && s == value)
                    {
                        return ids[i];
                    }
                }
            }
            return null;
        }
        catch (MemobaseException e) when (e.Kind == MemobaseErrorKind.MissingUser)
        {
            return null;
        }
    }

    /// <summary>The last page holding ids; -1 when there are none, or when the budget ran out before it was found.</summary>
    private async Task<int> LastPageAsync(CancellationToken ct)
    {
        var (full, probe) = (-1, 0);
        while (await PageAsync(probe, ct) is { } ids)
        {
            if (ids.Count < PageSize)
            {
                return ids.Count > 0 ? probe : await LastBetweenAsync(full, probe, ct);
            }
            (full, probe) = (probe, probe * 2 + 1);
        }
        return -1;
    }

    /// <summary>The last page holding ids after <paramref name="full"/> (a full page, or -1) and before <paramref name="empty"/>.</summary>
    private async Task<int> LastBetweenAsync(int full, int empty, CancellationToken ct)
    {
        while (empty - full > 1)
        {
            var middle = full + (empty - full) / 2;
            if (await PageAsync(middle, ct) is not { } ids)
            {
                return -1;
            }
            if (ids.Count is > 0 and < PageSize)
            {
                return middle;
            }
            (full, empty) = ids.Count == 0 ? (full, middle) : (middle, empty);
        }
        return full;
    }

    /// <summary>A page of ids, read once; null when the budget is spent.</summary>
    private async Task<IReadOnlyList<Guid>?> PageAsync(int page, CancellationToken ct)
    {
        if (!_pages.TryGetValue(page, out var ids))
        {
            if (!Spend())
            {
                return null;
            }
            _pages[page] = ids = await client.ListBlobIdsAsync(user, blobType, page, PageSize, ct);
        }
        return ids;
    }

    /// <summary>The blob, or null when it is gone since it was listed (processed and deleted: errno 404).</summary>
    private async Task<Blob?> BlobAsync(Guid blobId, CancellationToken ct)
    {
        try
        {
            return await client.GetBlobAsync(user, blobId, ct);
        }
        catch (MemobaseException e) when (e.Errno == 404 && e.Kind != MemobaseErrorKind.MissingUser)
        {
            return null;
        }
    }

    private bool Spend() => ++_requests <= maxRequests;
}
