using System.Text.Json.Nodes;
using MemoSync.Emulator.Admin;
using MemoSync.Emulator.Storage;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary><c>/blobs</c> and <c>/users/blobs</c>: insert, read, delete and list blobs.</summary>
internal static class BlobEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/blobs/insert/{user_id}", async (HttpContext http, EmulatorStore store, BufferProcessor buffer,
            ReceivedLedger ledger, InsertUsage usage, EmulatorOptions options, CancellationToken ct) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var wait = request.QueryBool("wait_process", false);
            var body = await request.BodyAsync(ct);
            var blobType = request.RequiredEnum(body, "blob_type", BlobType.All);
            var blobData = request.RequiredObject(body, "blob_data");
            var fields = request.OptionalObject(body, "fields");
            if (request.Failed)
            {
                return request.Problem();
            }
            usage.CountInsert();
            // models/blob.py BlobData.to_blob: image and transcript raise, code falls through to None, doc and summary
            // need their text; the insert's handler turns what it raises into errno 500 (api_layer/blob.py).
            var unsupported = blobType switch
            {
                BlobType.Image => "ImageBlob not implemented yet.",
                BlobType.Transcript => "TranscriptBlob not implemented yet.",
                BlobType.Code => "'NoneType' object has no attribute 'type'",
                _ => null,
            };
            if (unsupported is not null)
            {
                return Envelope.Fail(500, $"Error inserting blob: {unsupported}");
            }
            var text = blobType switch
            {
                BlobType.Doc => "content",
                BlobType.Summary => "summary",
                _ => null,
            };
            if (text is not null && (blobData[text] is not JsonValue value || !value.TryGetValue<string>(out _)))
            {
                return Envelope.Fail(400, $"Unable to parse blob: {text}: Field required");
            }
            var tokens = TokenEstimate.Of(blobData.ToJsonString());
            if (blobType == BlobType.Chat)
            {
                var (chatTokens, error) = ChatBlobParser.Parse(blobData);
                if (error is not null)
                {
                    return Envelope.Fail(400, $"Unable to parse blob: {error}");
                }
                tokens = chatTokens;
            }
            var blobId = Guid.NewGuid();
            if (!store.TryInsertBlob(userId, blobId, blobType, blobData.DeepClone().AsObject(), fields?.DeepClone().AsObject(), tokens))
            {
                return Envelope.Fail(500, $"Error inserting blob: {Envelope.ForeignKeyViolation("general_blobs", userId)}");
            }
            ledger.Record(userId, fields);
            var results = new List<ChatModalResult>();
            if (blobType == BlobType.Chat && store.IdleBufferTokens(userId, blobType) > options.BufferTokenThreshold)
            {
                if (wait)
                {
                    results.AddRange(buffer.Process(userId, blobType) is { } result ? [result] : []);
                }
                else
                {
                    buffer.ProcessInBackground(userId, blobType);
                }
            }
            usage.CountSuccess();
            return Envelope.Ok(new BlobInsertData(blobId, results), WireJson.Context.ApiEnvelopeBlobInsertData);
        }).WithMetadata(RouteKind.BlobInsert);

        api.MapGet("/blobs/{user_id}/{blob_id}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var blobId = request.PathId("blob_id");
            if (request.Failed)
            {
                return request.Problem();
            }
            var blob = store.GetBlob(userId, blobId);
            return blob is null
                ? Envelope.Fail(404, $"Blob with id {blobId} of user {userId} not found")
                : Envelope.Ok(blob, WireJson.Context.ApiEnvelopeBlob);
        });

        // controllers/blob.py remove_blob: an absent blob is not an error.
        OwnedItemEndpoints.MapDelete(api, "/blobs/{user_id}/{blob_id}", "blob_id", (store, user, blob) => store.DeleteBlob(user, blob), notFound: null);

        api.MapGet("/users/blobs/{user_id}/{blob_type}", (HttpContext http, EmulatorStore store) =>
        {
            var request = new FastApiRequest(http);
            var userId = request.PathId("user_id");
            var blobType = request.PathEnum("blob_type", BlobType.All);
            var page = request.QueryInt("page") ?? 0;
            var pageSize = request.QueryInt("page_size") ?? 10;
            if (request.Failed)
            {
                return request.Problem();
            }
            return Envelope.Ok(new IdsData(store.ListBlobIds(userId, blobType, page, pageSize)), WireJson.Context.ApiEnvelopeIdsData);
        });
    }
}
