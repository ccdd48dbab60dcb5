using System.Globalization;
using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Client;

public sealed partial class BuquetClient
{
    /// <summary>Reads a task; <c>null</c> when it does not exist. A malformed object throws <see cref="MalformedObjectException"/>.</summary>
    public async Task<TaskRecord?> GetAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        (await _repository.GetAsync(taskId, cancellationToken))?.Task;

    /// <summary>Reads a task with its input and output resolved from payload references.</summary>
    public async Task<TaskWithPayloads?> GetWithPayloadsAsync(Guid taskId, CancellationToken cancellationToken = default)
    {
        var task = await GetAsync(taskId, cancellationToken);
        if (task is null)
        {
            return null;
        }

        var input = task.InputRef is { } inRef ? await LoadPayloadAsync(inRef, cancellationToken) : task.Input;
        var output = task.OutputRef is { } outRef ? await LoadPayloadAsync(outRef, cancellationToken) : task.Output;
        return new TaskWithPayloads(task, input, output);
    }

    /// <summary>
    /// Lists tasks by shard, status and type, one page at a time (LIST <c>tasks/{shard}/</c> plus a GET per task).
    /// Unreadable objects are reported in <see cref="TaskPage.Malformed"/>.
    /// </summary>
    public async Task<TaskPage> ListAsync(TaskQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TaskQuery();
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"PageSize must be 1..1000, was {query.PageSize}.");
        }

        IReadOnlyList<string> shards = query.Shard is null ? _repository.Shards.All : [query.Shard];
        if (query.Shard is not null && !_repository.Shards.Contains(query.Shard))
        {
            throw new ArgumentException($"Shard '{query.Shard}' is not one of the {_repository.Shards.All.Count} shards of prefix length {_repository.Shards.PrefixLength}.", nameof(query));
        }

        var (shardIndex, token) = ParseToken(query.ContinuationToken, shards.Count);
        var tasks = new List<TaskRecord>();
        var malformed = new List<MalformedObjectException>();
        while (shardIndex < shards.Count && tasks.Count < query.PageSize)
        {
            var page = await _store.ListAsync(new ListRequest(TaskKeys.TaskPrefix(shards[shardIndex]), MaxKeys: query.PageSize - tasks.Count, ContinuationToken: token), cancellationToken);
            foreach (var info in page.Objects)
            {
                var obj = await _store.GetAsync(info.Key, cancellationToken);
                if (obj is null)
                {
                    continue;
                }

                TaskRecord task;
                try
                {
                    task = _repository.Parse(obj);
                }
                catch (MalformedObjectException error)
                {
                    malformed.Add(error);
                    continue;
                }

                if ((query.Status is null || task.Status == query.Status) && (query.TaskType is null || task.TaskType == query.TaskType))
                {
                    tasks.Add(task);
                }
            }

            token = page.NextContinuationToken;
            if (token is null)
            {
                shardIndex++;
            }
        }

        var next = shardIndex < shards.Count ? FormattableString.Invariant($"{shardIndex}|{token}") : null;
        return new TaskPage(tasks, next, malformed);
    }

    /// <summary>Every stored version of a task, newest first, paginated. Empty when the bucket keeps no versions.</summary>
    public async Task<TaskHistoryPage> HistoryAsync(Guid taskId, int pageSize = 100, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        if (pageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"Page size must be 1..1000, was {pageSize}.");
        }

        var key = _repository.KeyOf(taskId);
        var page = await _store.ListVersionsAsync(key, pageSize, continuationToken, cancellationToken);
        var versions = new List<TaskVersion>(page.Versions.Count);
        foreach (var v in page.Versions)
        {
            if (v.IsDeleteMarker)
            {
                continue;
            }

            var obj = await _store.GetVersionAsync(key, v.VersionId, cancellationToken);
            if (obj is null)
            {
                continue;
            }

            versions.Add(TaskJson.TryParse(obj.Body, key, out var task, out var error)
                ? new TaskVersion(v.VersionId, v.LastModified, v.IsLatest, task, null)
                : new TaskVersion(v.VersionId, v.LastModified, v.IsLatest, null, error));
        }

        return new TaskHistoryPage(versions, page.NextContinuationToken);
    }

    /// <summary>
    /// The id of the task an idempotent submit of <paramref name="taskType"/> with <paramref name="idempotencyKey"/>
    /// (scope unset: the task type) recorded, or null when no record exists; expired records count too.
    /// </summary>
    internal async Task<Guid?> FindIdempotentTaskIdAsync(string taskType, string idempotencyKey, CancellationToken cancellationToken)
    {
        var record = await _idempotency.FindAsync(IdempotencyGuard.ScopeFor(null, taskType), idempotencyKey, cancellationToken);
        return record?.TaskId;
    }

    private async Task<JsonElement?> LoadPayloadAsync(string key, CancellationToken cancellationToken)
    {
        var obj = await _store.GetAsync(key, cancellationToken) ?? throw new MalformedObjectException(key, "payload reference points at a missing object");
        try
        {
            using var doc = JsonDocument.Parse(obj.Body);
            return doc.RootElement.ValueKind == JsonValueKind.Null ? null : doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new MalformedObjectException(key, "payload is not valid JSON: " + ex.Message, ex);
        }
    }

    private static (int ShardIndex, string? Token) ParseToken(string? token, int shardCount)
    {
        if (token is null)
        {
            return (0, null);
        }

        var bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !int.TryParse(token.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= shardCount)
        {
            throw new ArgumentException($"Continuation token '{token}' was not produced by this listing.", nameof(token));
        }

        var rest = token[(bar + 1)..];
        return (index, rest.Length == 0 ? null : rest);
    }
}
