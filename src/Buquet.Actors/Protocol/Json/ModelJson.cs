namespace Buquet.Actors.Protocol.Json;

/// <summary>Peer-exact JSON for the non-task protocol objects (§2.4–2.9). Parse errors throw <see cref="MalformedObjectException"/>.</summary>
internal static class ModelJson
{
    public static byte[] Serialize(WorkerInfo v)
    {
        var w = new JsonOut().BeginObject()
            .Name("worker_id").String(v.WorkerId)
            .Name("started_at").Time(v.StartedAt)
            .Name("last_heartbeat").Time(v.LastHeartbeat)
            .Name("shards").BeginArray();
        foreach (var s in v.Shards)
        {
            w.String(s);
        }

        w.EndArray()
            .Name("current_task").String(v.CurrentTask is { } t ? TaskKeys.Id(t) : null)
            .Name("tasks_completed").Int(v.TasksCompleted)
            .Name("tasks_failed").Int(v.TasksFailed);

        // Extensions over §2.4 (peers ignore them): the task types this worker claims and every task it runs now.
        if (v.TaskTypes is not null)
        {
            w.Name("task_types").BeginArray();
            foreach (var type in v.TaskTypes)
            {
                w.String(type);
            }

            w.EndArray();
        }

        if (v.CurrentTasks is not null)
        {
            w.Name("current_tasks").BeginArray();
            foreach (var id in v.CurrentTasks)
            {
                w.String(TaskKeys.Id(id));
            }

            w.EndArray();
        }

        if (v.Cluster is not null)
        {
            w.Name("cluster").String(v.Cluster);
        }

        if (v.Pickups is { } p)
        {
            w.Name("pickups").BeginObject().Name("push").Int(p.Push).Name("hint").Int(p.Hint).Name("poll").Int(p.Poll).EndObject();
        }

        return w.EndObject().ToUtf8();
    }

    public static WorkerInfo ParseWorker(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new WorkerInfo(
            r.RequiredString("worker_id"), r.RequiredTime("started_at"), r.RequiredTime("last_heartbeat"),
            r.StringArray("shards"), r.OptionalGuid("current_task"), r.RequiredInt("tasks_completed"), r.RequiredInt("tasks_failed"),
            r.Has("task_types") ? r.StringArray("task_types") : null,
            r.Has("current_tasks") ? ParseGuids(r.StringArray("current_tasks"), key) : null,
            r.OptionalString("cluster"),
            r.Element("pickups") is { } p ? ParsePickups(JsonIn.Of(p, key, "pickups")) : null);
    }

    private static WorkerPickups ParsePickups(JsonIn r) => new(r.Int("push", 0), r.Int("hint", 0), r.Int("poll", 0));

    private static Guid[] ParseGuids(IReadOnlyList<string> ids, string key)
    {
        var guids = new Guid[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            guids[i] = Guid.TryParse(ids[i], out var g) ? g : throw new MalformedObjectException(key, $"field 'current_tasks': '{ids[i]}' is not a UUID");
        }

        return guids;
    }

    public static byte[] Serialize(ShardLease v) => new JsonOut().BeginObject()
        .Name("shard").String(v.Shard)
        .Name("worker_id").String(v.WorkerId)
        .Name("lease_expires_at").Time(v.LeaseExpiresAt)
        .Name("updated_at").Time(v.UpdatedAt)
        .EndObject().ToUtf8();

    public static ShardLease ParseShardLease(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new ShardLease(r.RequiredString("shard"), r.RequiredString("worker_id"), r.RequiredTime("lease_expires_at"), r.RequiredTime("updated_at"));
    }

    public static byte[] Serialize(IdempotencyRecord v) => new JsonOut().BeginObject()
        .Name("key").String(v.Key)
        .Name("key_hash").String(v.KeyHash)
        .Name("task_id").String(TaskKeys.Id(v.TaskId))
        .Name("task_key").String(v.TaskKey)
        .Name("created_at").Time(v.CreatedAt)
        .Name("expires_at").Time(v.ExpiresAt)
        .Name("task_type").String(v.TaskType)
        .Name("input_hash").String(v.InputHash)
        .EndObject().ToUtf8();

    public static IdempotencyRecord ParseIdempotency(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new IdempotencyRecord(
            r.RequiredString("key"), r.RequiredString("key_hash"), r.RequiredGuid("task_id"), r.RequiredString("task_key"),
            r.RequiredTime("created_at"), r.RequiredTime("expires_at"), r.RequiredString("task_type"), r.RequiredString("input_hash"));
    }

    public static byte[] Serialize(Schedule v) => new JsonOut().BeginObject()
        .Name("id").String(v.Id)
        .Name("task_type").String(v.TaskType)
        .Name("input").Element(v.Input)
        .Name("cron").String(v.Cron)
        .Name("enabled").Bool(v.Enabled)
        .Name("timeout_seconds").Raw(v.TimeoutSeconds is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")
        .Name("max_retries").Raw(v.MaxRetries is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")
        .Name("created_at").Time(v.CreatedAt)
        .Name("updated_at").Time(v.UpdatedAt)
        .EndObject().ToUtf8();

    public static Schedule ParseSchedule(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new Schedule(
            r.RequiredString("id"), r.RequiredString("task_type"), r.RequiredNullable("input"), r.RequiredString("cron"),
            r.Bool("enabled", true), r.OptionalInt("timeout_seconds"), r.OptionalInt("max_retries", TaskDefaults.MaxU32),
            r.RequiredTime("created_at"), r.RequiredTime("updated_at"));
    }

    public static byte[] Serialize(ScheduleLastRun v) => new JsonOut().BeginObject()
        .Name("schedule_id").String(v.ScheduleId)
        .Name("last_run_at").Time(v.LastRunAt)
        .Name("last_task_id").String(TaskKeys.Id(v.LastTaskId))
        .Name("next_run_at").Time(v.NextRunAt)
        .EndObject().ToUtf8();

    public static ScheduleLastRun ParseLastRun(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        return new ScheduleLastRun(r.RequiredString("schedule_id"), r.RequiredTime("last_run_at"), r.RequiredGuid("last_task_id"), r.RequiredTime("next_run_at"));
    }
}
