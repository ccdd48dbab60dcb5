using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>
/// The conformance checks that must hold on every store, written as plain methods so that the negative control can
/// run them against a store that ignores preconditions and assert that they FAIL.
/// </summary>
public static class ConformanceChecks
{
    /// <summary>Create-only twice, If-Match stale, If-Match on a missing key: each must be refused, bodies kept.</summary>
    public static async Task ConditionalBasicsAsync(IObjectStore store, string prefix)
    {
        var key = prefix + "basics";
        var first = await store.PutAsync(key, Bytes("first"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, first.Status);
        var second = await store.PutAsync(key, Bytes("second"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.PreconditionFailed, second.Status);
        Assert.Equal("first", await BodyAsync(store, key));

        var cas = await store.PutAsync(key, Bytes("third"), PutCondition.IfMatch(first.ETag!));
        Assert.Equal(PutStatus.Written, cas.Status);
        var stale = await store.PutAsync(key, Bytes("fourth"), PutCondition.IfMatch(first.ETag!));
        Assert.Equal(PutStatus.PreconditionFailed, stale.Status);
        Assert.Equal("third", await BodyAsync(store, key));

        var missing = await store.PutAsync(prefix + "missing", Bytes("x"), PutCondition.IfMatch(first.ETag!));
        Assert.Equal(PutStatus.PreconditionFailed, missing.Status);
        Assert.Null(await store.GetAsync(prefix + "missing"));
    }

    /// <summary>
    /// <paramref name="racers"/> writers race an If-Match on the same ETag, <paramref name="rounds"/> times: exactly one
    /// wins each round and the stored body is the winner's.
    /// </summary>
    public static async Task IfMatchRaceAsync(IObjectStore store, string key, int rounds, int racers = 16)
    {
        var seed = await store.PutAsync(key, Bytes("seed-" + Guid.NewGuid()), PutCondition.None);
        var etag = seed.ETag!;
        for (var round = 0; round < rounds; round++)
        {
            var current = etag;
            var winner = await RaceAsync(store, key, racers, round, _ => PutCondition.IfMatch(current));
            etag = winner.ETag;
        }
    }

    /// <summary>
    /// <paramref name="racers"/> writers race a create-only put of a fresh key, <paramref name="rounds"/> times: exactly
    /// one wins each round and the stored body is the winner's.
    /// </summary>
    public static async Task CreateOnlyRaceAsync(IObjectStore store, string prefix, int rounds, int racers = 16)
    {
        for (var round = 0; round < rounds; round++)
        {
            await RaceAsync(store, prefix + "create-" + round.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), racers, round, _ => PutCondition.IfNoneMatch);
        }
    }

    private static async Task<(string Body, string ETag)> RaceAsync(IObjectStore store, string key, int racers, int round, Func<int, PutCondition> condition)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bodies = Enumerable.Range(0, racers).Select(i => $"round-{round}-writer-{i}-{Guid.NewGuid():N}").ToArray();
        var tasks = Enumerable.Range(0, racers).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await store.PutAsync(key, Bytes(bodies[i]), condition(i));
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        var winners = Enumerable.Range(0, racers).Where(i => results[i].Succeeded).ToList();
        Assert.True(winners.Count == 1, $"round {round}: expected exactly one winner, got {winners.Count}");
        var stored = await store.GetAsync(key);
        Assert.NotNull(stored);
        Assert.Equal(bodies[winners[0]], Encoding.UTF8.GetString(stored.Body.Span));
        Assert.True(ETags.Equal(results[winners[0]].ETag, stored.ETag), $"round {round}: winner's ETag {results[winners[0]].ETag} is not the stored {stored.ETag}");
        return (bodies[winners[0]], stored.ETag);
    }

    /// <summary>UTF-8 bytes of <paramref name="s"/>.</summary>
    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>The stored body as text, or null.</summary>
    public static async Task<string?> BodyAsync(IObjectStore store, string key)
    {
        var o = await store.GetAsync(key);
        return o is null ? null : Encoding.UTF8.GetString(o.Body.Span);
    }
}
