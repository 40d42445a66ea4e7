namespace MemoSync.Postgres.Tests;

/// <summary>A test with a schema of its own on the test server, dropped after it.</summary>
public abstract class SchemaTest : IAsyncLifetime
{
    protected string Schema { get; } = TestPostgres.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropSchemaAsync(Schema);
}
