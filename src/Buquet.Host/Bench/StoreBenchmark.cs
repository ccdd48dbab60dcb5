using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>Settings of <see cref="StoreBenchmark"/>.</summary>
/// <param name="Concurrency">Requests in flight at once.</param>
/// <param name="Duration">How long each phase runs (ignored when <paramref name="Operations"/> is set).</param>
/// <param name="Operations">Requests per phase; null to run each phase for <paramref name="Duration"/>.</param>
/// <param name="BodyBytes">Object size written by PUTs (a task object is ~0.6-1 KB).</param>
/// <param name="ListPageSize">MaxKeys of each LIST.</param>
/// <param name="Cleanup">Delete the objects written (timed as the DELETE phase).</param>
internal sealed record StoreBenchSettings(int Concurrency, TimeSpan Duration, long? Operations, int BodyBytes, int ListPageSize, bool Cleanup)
{
    public void Validate()
    {
        if (Concurrency is < 1 or > 1024)
        {
            throw new ArgumentException($"--concurrency {Concurrency} is out of range; use 1..1024.");
        }

        if (Operations is { } ops && ops < Concurrency)
        {
            throw new ArgumentException($"--ops {ops} is smaller than --concurrency {Concurrency}; every concurrent writer needs at least one object.");
        }

        if (Operations is null && Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--duration {Duration} must be positive.");
        }

        if (BodyBytes is < 1 or > 5 * 1024 * 1024)
        {
            throw new ArgumentException($"--body-bytes {BodyBytes} is out of range; use 1..5242880.");
        }

        if (ListPageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"--list-page-size {ListPageSize} is out of range; use 1..1000.");
        }
    }
}

/// <summary>One timed phase: how many requests of one kind, how fast, how many failed, and what the store counted.</summary>
internal sealed record StorePhaseResult(
    string Name, string Request, long Operations, long PreconditionFailed, long Errors, TimeSpan Elapsed, LatencySummary Latency, RequestMix Counted)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// The store's ceiling: create-only PUTs (If-None-Match: *), compare-and-swap PUTs (If-Match with the held ETag, each body
/// carrying a unique token), GETs, LISTs and (cleanup) DELETEs of objects under a fresh <c>bench/{run}/</c> prefix, each
/// phase with <see cref="StoreBenchSettings.Concurrency"/> requests in flight. Requests are counted at the store layer.
/// </summary>
internal sealed class StoreBenchmark(IObjectStore store, StoreBenchSettings settings, TimeProvider time)
{
    private readonly RequestCountingObjectStore _store = new(store);

    /// <summary>Key prefix of this run.</summary>
    public string Prefix { get; } = $"bench/{Guid.NewGuid():N}/";

    public async Task<IReadOnlyList<StorePhaseResult>> RunAsync(CancellationToken ct)
    {
        settings.Validate();
        var held = Enumerable.Range(0, settings.Concurrency).Select(_ => new List<(string Key, string ETag)>()).ToArray();
        var results = new List<StorePhaseResult>();
        try
        {
            results.Add(await PhaseAsync("create", "PUT If-None-Match: *", held, CreateAsync, ct));
            results.Add(await PhaseAsync("update", "PUT If-Match: etag", held, UpdateAsync, ct));
            results.Add(await PhaseAsync("get", "GET", held, GetAsync, ct));
            results.Add(await PhaseAsync("list", $"LIST max-keys {settings.ListPageSize}", held, ListAsync, ct));
        }
        finally
        {
            if (settings.Cleanup)
            {
                var delete = await DeleteAllAsync(held, CancellationToken.None);
                if (results.Count == 4)
                {
                    results.Add(delete);
                }
            }
        }

        return results;
    }

    private delegate Task<OpOutcome> Operation(int worker, long n, List<(string Key, string ETag)> keys, CancellationToken ct);

    private enum OpOutcome
    {
        Ok,
        PreconditionFailed,
    }

    private async Task<StorePhaseResult> PhaseAsync(string name, string request, List<(string Key, string ETag)>[] held, Operation op, CancellationToken ct)
    {
        _store.Reset();
        long issued = 0;
        long precondition = 0;
        long errors = 0;
        var latencies = new List<double>[settings.Concurrency];
        var start = time.GetTimestamp();
        var duration = settings.Duration;
        var creating = name == "create";
        bool More(List<(string, string)> keys) =>
            creating && keys.Count == 0
                || (creating || keys.Count > 0) && (settings.Operations is { } max
                    ? Interlocked.Increment(ref issued) <= max
                    : time.GetElapsedTime(start) < duration);

        var workers = Enumerable.Range(0, settings.Concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var keys = held[w];
            long n = 0;
            while (More(keys))
            {
                ct.ThrowIfCancellationRequested();
                var t0 = time.GetTimestamp();
                try
                {
                    if (await op(w, n++, keys, ct) == OpOutcome.PreconditionFailed)
                    {
                        Interlocked.Increment(ref precondition);
                    }
                }
                catch (ObjectStoreUnavailableException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(time.GetElapsedTime(t0).TotalMilliseconds);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = time.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToArray();
        return new StorePhaseResult(name, request, all.Length, precondition, errors, elapsed, LatencySummary.Of(all), RequestMix.From(_store.SnapshotAndReset()));
    }

    private byte[] Body(int worker, long n)
    {
        var text = new StringBuilder(settings.BodyBytes + 64)
            .Append("{\"token\":\"").Append(Guid.NewGuid().ToString("N")).Append("\",\"w\":").Append(worker).Append(",\"n\":").Append(n).Append(",\"pad\":\"");
        var pad = Math.Max(0, settings.BodyBytes - text.Length - 2);
        return Encoding.UTF8.GetBytes(text.Append('x', pad).Append("\"}").ToString());
    }

    private string KeyOf(int worker, long n) => $"{Prefix}{worker:D4}/{n:D10}.json";

    private async Task<OpOutcome> CreateAsync(int worker, long n, List<(string Key, string ETag)> keys, CancellationToken ct)
    {
        var key = KeyOf(worker, n);
        var put = await _store.PutAsync(key, Body(worker, n), PutCondition.IfNoneMatch, ct);
        if (!put.Succeeded)
        {
            return OpOutcome.PreconditionFailed;
        }

        keys.Add((key, put.ETag!));
        return OpOutcome.Ok;
    }

    private async Task<OpOutcome> UpdateAsync(int worker, long n, List<(string Key, string ETag)> keys, CancellationToken ct)
    {
        var i = (int)(n % keys.Count);
        var (key, etag) = keys[i];
        var put = await _store.PutAsync(key, Body(worker, n), PutCondition.IfMatch(etag), ct);
        if (!put.Succeeded)
        {
            return OpOutcome.PreconditionFailed;
        }

        keys[i] = (key, put.ETag!);
        return OpOutcome.Ok;
    }

    private async Task<OpOutcome> GetAsync(int worker, long n, List<(string Key, string ETag)> keys, CancellationToken ct) =>
        await _store.GetAsync(keys[(int)(n % keys.Count)].Key, ct) is null ? OpOutcome.PreconditionFailed : OpOutcome.Ok;

    private async Task<OpOutcome> ListAsync(int worker, long n, List<(string Key, string ETag)> keys, CancellationToken ct)
    {
        await _store.ListAsync(new ListRequest($"{Prefix}{worker:D4}/", MaxKeys: settings.ListPageSize), ct);
        return OpOutcome.Ok;
    }

    private async Task<StorePhaseResult> DeleteAllAsync(List<(string Key, string ETag)>[] held, CancellationToken ct)
    {
        _store.Reset();
        var start = time.GetTimestamp();
        var errors = 0L;
        var latencies = new List<double>[held.Length];
        await Task.WhenAll(held.Select((keys, w) => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            foreach (var (key, _) in keys)
            {
                var t0 = time.GetTimestamp();
                try
                {
                    await _store.DeleteAsync(key, null, ct);
                }
                catch (ObjectStoreUnavailableException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(time.GetElapsedTime(t0).TotalMilliseconds);
            }
        }, ct)));
        var elapsed = time.GetElapsedTime(start);
        var all = latencies.Where(l => l is not null).SelectMany(l => l).ToArray();
        return new StorePhaseResult("delete", "DELETE (cleanup)", all.Length, 0, errors, elapsed, LatencySummary.Of(all), RequestMix.From(_store.SnapshotAndReset()));
    }

    /// <summary>The rates of a finished run; PUT is the harmonic mix of creates and updates (half each).</summary>
    public static StoreCeiling Ceiling(IReadOnlyList<StorePhaseResult> phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        double? Rate(string name) => phases.FirstOrDefault(p => p.Name == name) is { PerSecond: > 0 } p ? p.PerSecond : null;
        var create = Rate("create");
        var update = Rate("update");
        double? put = create is { } c && update is { } u ? 2 / (1 / c + 1 / u) : create ?? update;
        return new StoreCeiling(put, Rate("get"), Rate("list"), Rate("delete"));
    }
}
