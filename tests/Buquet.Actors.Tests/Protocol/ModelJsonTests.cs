using System.Text;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Tests.Protocol;

public sealed class ModelJsonTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WorkerInfo_Serialize_PeerFieldOrderAndNullCurrentTask()
    {
        var w = new WorkerInfo("worker-1", T, T.AddSeconds(5), ["0", "1"], null, 3, 1);
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(w));
        Assert.Equal("""{"worker_id":"worker-1","started_at":"2026-01-28T12:00:00Z","last_heartbeat":"2026-01-28T12:00:05Z","shards":["0","1"],"current_task":null,"tasks_completed":3,"tasks_failed":1}""", text);
        var back = ModelJson.ParseWorker(Encoding.UTF8.GetBytes(text), "k");
        Assert.Equal(w.Shards, back.Shards);
        Assert.True(back.IsHealthyAt(T.AddSeconds(64), WorkerInfo.DefaultHealthThreshold));
        Assert.False(back.IsHealthyAt(T.AddSeconds(65), WorkerInfo.DefaultHealthThreshold));
    }

    [Fact]
    public void WorkerInfo_TaskTypesAndCurrentTasks_WrittenAfterPeerFieldsAndReadBack()
    {
        var a = Guid.Parse("a1b2c3d4-e5f6-4789-abcd-ef1234567890");
        var w = new WorkerInfo("worker-1", T, T, ["0"], a, 0, 0, ["echo"], [a]);
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(w));
        Assert.EndsWith("""
            "tasks_failed":0,"task_types":["echo"],"current_tasks":["a1b2c3d4-e5f6-4789-abcd-ef1234567890"]}
            """, text, StringComparison.Ordinal);
        var back = ModelJson.ParseWorker(Encoding.UTF8.GetBytes(text), "k");
        Assert.Equal(["echo"], back.TaskTypes);
        Assert.Equal([a], back.CurrentTasks);
        var peer = ModelJson.ParseWorker(ModelJson.Serialize(new WorkerInfo("worker-1", T, T, ["0"], null, 0, 0)), "k");
        Assert.Null(peer.TaskTypes);
        Assert.Null(peer.CurrentTasks);
    }

    [Fact]
    public void WorkerInfo_CurrentTasksNotUuids_Malformed()
    {
        var text = """{"worker_id":"w","started_at":"2026-01-28T12:00:00Z","last_heartbeat":"2026-01-28T12:00:00Z","shards":[],"current_task":null,"tasks_completed":0,"tasks_failed":0,"current_tasks":["nope"]}""";
        var e = Assert.Throws<MalformedObjectException>(() => ModelJson.ParseWorker(Encoding.UTF8.GetBytes(text), "workers/w.json"));
        Assert.Contains("current_tasks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardLease_ExpiresAtDeadline_Inclusive()
    {
        var l = ModelJson.ParseShardLease(ModelJson.Serialize(new ShardLease("a", "w", T, T)), "k");
        Assert.True(l.IsExpiredAt(T));
        Assert.False(l.IsExpiredAt(T.AddTicks(-1)));
    }

    [Fact]
    public void IdempotencyRecord_RoundTrip_ExpiresStrictlyAfter()
    {
        var id = Guid.Parse("a1b2c3d4-e5f6-4789-abcd-ef1234567890");
        var r = new IdempotencyRecord("order-123", Hashes.IdempotencyKeyHash("charge_customer", "order-123"), id, TaskKeys.Task("a", id), T, T.AddDays(30), "charge_customer", "sha256:00");
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(r));
        Assert.StartsWith("""{"key":"order-123","key_hash":"sha256:72a3630b""", text, StringComparison.Ordinal);
        var back = ModelJson.ParseIdempotency(Encoding.UTF8.GetBytes(text), "k");
        Assert.Equal(r, back);
        Assert.False(back.IsExpiredAt(T.AddDays(30)));
        Assert.True(back.IsExpiredAt(T.AddDays(30).AddTicks(1)));
    }

    [Fact]
    public void Schedule_AlwaysWritesNullableFields_EnabledDefaultsTrue()
    {
        var text = Encoding.UTF8.GetString(ModelJson.Serialize(new Schedule("daily", "report", null, "0 9 * * *", true, null, 5, T, T)));
        Assert.Equal("""{"id":"daily","task_type":"report","input":null,"cron":"0 9 * * *","enabled":true,"timeout_seconds":null,"max_retries":5,"created_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""", text);
        var legacy = """{"id":"d","task_type":"t","input":{},"cron":"* * * * *","timezone":"UTC","catch_up":true,"created_at":"2026-01-28T12:00:00Z","updated_at":"2026-01-28T12:00:00Z"}""";
        var s = ModelJson.ParseSchedule(Encoding.UTF8.GetBytes(legacy), "k");
        Assert.True(s.Enabled);
        Assert.Null(s.TimeoutSeconds);
    }

    [Fact]
    public void ScheduleLastRun_RoundTrip()
    {
        var v = new ScheduleLastRun("daily", T, Guid.NewGuid(), T.AddDays(1));
        Assert.Equal(v, ModelJson.ParseLastRun(ModelJson.Serialize(v), "k"));
    }

    [Fact]
    public void ParseWorker_MissingField_ThrowsMalformedNamingField()
    {
        var ex = Assert.Throws<MalformedObjectException>(() => ModelJson.ParseWorker("""{"worker_id":"w"}"""u8.ToArray(), "workers/w.json"));
        Assert.Equal("workers/w.json", ex.Key);
        Assert.Contains("started_at", ex.Message, StringComparison.Ordinal);
    }
}
