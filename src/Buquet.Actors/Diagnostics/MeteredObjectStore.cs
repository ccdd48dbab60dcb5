using System.Diagnostics.Metrics;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Diagnostics;

/// <summary>
/// Records every request to an inner store on the <c>Buquet.Actors</c> meter: <c>buquet.s3.requests{operation,outcome}</c>
/// and <c>buquet.s3.request.duration_seconds{operation}</c>. Operations are get/put/list/delete/head (version reads are
/// get, version listings list, server-time probes put + head); outcomes ok/not_found/precondition_failed/error.
/// </summary>
internal sealed class MeteredObjectStore : IObjectStore
{
    private static readonly Counter<long> Requests =
        BuquetTelemetry.Meter.CreateCounter<long>("buquet.s3.requests", "{request}", "Object store requests by operation and outcome");

    private static readonly Histogram<double> Latency =
        BuquetTelemetry.SecondsHistogram("buquet.s3.request.duration_seconds", "Object store request latency");

    private readonly TimeProvider _time;

    public MeteredObjectStore(IObjectStore inner, TimeProvider? timeProvider = null)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _time = timeProvider ?? TimeProvider.System;
    }

    public IObjectStore Inner { get; }

    public StoreCapabilities Capabilities => Inner.Capabilities;

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        MeasureAsync("get", () => Inner.GetAsync(key, cancellationToken), o => o is null ? "not_found" : "ok");

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        MeasureAsync("get", () => Inner.GetVersionAsync(key, versionId, cancellationToken), o => o is null ? "not_found" : "ok");

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) =>
        MeasureAsync("head", () => Inner.HeadAsync(key, cancellationToken), o => o is null ? "not_found" : "ok");

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        MeasureAsync("put", () => Inner.PutAsync(key, body, condition, cancellationToken), r => r.Succeeded ? "ok" : "precondition_failed");

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        MeasureAsync("delete", () => Inner.DeleteAsync(key, ifMatchETag, cancellationToken), s => s switch
        {
            DeleteStatus.Deleted => "ok",
            DeleteStatus.NotFound => "not_found",
            _ => "precondition_failed",
        });

    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        MeasureAsync("delete", async () =>
        {
            await Inner.DeleteManyAsync(keys, cancellationToken).ConfigureAwait(false);
            return true;
        }, _ => "ok");

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        MeasureAsync("list", () => Inner.ListAsync(request, cancellationToken), _ => "ok");

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        MeasureAsync("list", () => Inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken), _ => "ok");

    public async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
    {
        var start = _time.GetTimestamp();
        try
        {
            var now = await Inner.GetServerTimeAsync(cancellationToken).ConfigureAwait(false);
            Record("put", "ok", start);
            Record("head", "ok", start);
            return now;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Record("put", "error", start);
            throw;
        }
    }

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call, Func<T, string> outcome)
    {
        var start = _time.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            Record(operation, outcome(result), start);
            return result;
        }
        catch (Exception)
        {
            Record(operation, "error", start);
            throw;
        }
    }

    private void Record(string operation, string outcome, long start)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        Requests.Add(1, op, new KeyValuePair<string, object?>("outcome", outcome));
        Latency.Record(_time.GetElapsedTime(start).TotalSeconds, op);
    }
}
