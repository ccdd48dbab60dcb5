using System.Text;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Worker;
using Buquet.Actors.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Workflows;

public sealed class WorkflowStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private static WorkflowState State() => new()
    {
        Id = "wf-token",
        Type = "t",
        DefinitionHash = "sha256:0000000000000000",
        Status = WorkflowStatus.Running,
        CreatedAt = "2026-12-06T12:00:00+00:00",
        UpdatedAt = "2026-12-06T12:00:00+00:00",
    };

    [Fact]
    public async Task TryReplace_SameLogicalStateTwice_DifferentBodiesAndStaleETagRefused()
    {
        var memory = new InMemoryObjectStore(_clock);
        var store = new WorkflowStore(memory, new FakeStoreClock(_clock));
        Assert.True(await store.CreateAsync(State(), CancellationToken.None));
        var (_, created) = (await store.GetAsync("wf-token", CancellationToken.None))!.Value;

        Assert.True(await store.TryReplaceAsync(State(), created, CancellationToken.None));
        var first = (await memory.GetAsync(WorkflowKeys.State("wf-token")))!;
        Assert.True(await store.TryReplaceAsync(State(), first.ETag, CancellationToken.None));
        var second = (await memory.GetAsync(WorkflowKeys.State("wf-token")))!;

        Assert.NotEqual(Encoding.UTF8.GetString(first.Body.Span), Encoding.UTF8.GetString(second.Body.Span));
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.False(await store.TryReplaceAsync(State(), first.ETag, CancellationToken.None));
    }

    [Fact]
    public void Serialize_WithWriteToken_TokenLastAndPeerFieldsUnchanged()
    {
        var plain = Encoding.UTF8.GetString(WorkflowJson.Serialize(State()));
        var written = Encoding.UTF8.GetString(WorkflowStore.Body(State()));

        Assert.StartsWith(plain[..^1] + ",\"write_token\":\"", written, StringComparison.Ordinal);
        Assert.Equal(plain, Encoding.UTF8.GetString(WorkflowJson.Serialize(WorkflowJson.Parse(Encoding.UTF8.GetBytes(written), "k"))));
    }
}
