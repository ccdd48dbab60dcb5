using System.Collections.Immutable;
using System.Text.Json;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Workflows;

/// <summary>Peer-exact JSON of the workflow objects (§2.11–2.13): compact, Rust field order, skip-when-none fields omitted.</summary>
public static class WorkflowJson
{
    /// <summary>The wire name of a workflow status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>E.g. <c>waiting_signal</c>.</returns>
    public static string ToWire(WorkflowStatus status) => status switch
    {
        WorkflowStatus.Pending => "pending",
        WorkflowStatus.Running => "running",
        WorkflowStatus.WaitingSignal => "waiting_signal",
        WorkflowStatus.Compensating => "compensating",
        WorkflowStatus.Paused => "paused",
        WorkflowStatus.Completed => "completed",
        WorkflowStatus.Failed => "failed",
        WorkflowStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a wire workflow status.</summary>
    /// <param name="text">The text.</param>
    /// <param name="status">The status.</param>
    /// <returns>False for an unknown value.</returns>
    public static bool TryParse(string? text, out WorkflowStatus status) => TryParseWire(text, ToWire, out status);

    /// <summary>The wire name of a step status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>E.g. <c>completed</c>.</returns>
    public static string ToWire(StepStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Serializes a state as a buquet peer writes it.</summary>
    /// <param name="state">The state.</param>
    /// <returns>Compact UTF-8 JSON.</returns>
    public static byte[] Serialize(WorkflowState state) => Serialize(state, null);

    /// <summary>The field of a state body that carries the writer's unique token (a .NET addition; buquet peers ignore it and drop it on their next write).</summary>
    internal const string WriteTokenField = "write_token";

    /// <summary>Serializes a state, with <paramref name="writeToken"/> last when given (every conditional write carries a fresh one).</summary>
    internal static byte[] Serialize(WorkflowState state, string? writeToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var w = new JsonOut().BeginObject()
            .Name("id").String(state.Id)
            .Name("type").String(state.Type)
            .Name("definition_hash").String(state.DefinitionHash)
            .Name("status").String(ToWire(state.Status))
            .Name("current_steps").BeginArray();
        foreach (var s in state.CurrentSteps)
        {
            w.String(s);
        }

        w.EndArray().Name("data").Element(state.Data).Name("steps").BeginObject();
        foreach (var (name, step) in state.Steps)
        {
            w.Name(name);
            WriteStep(w, step);
        }

        w.EndObject().Name("signals").BeginObject();
        foreach (var (name, cursor) in state.Signals)
        {
            w.Name(name).BeginObject();
            if (cursor is not null)
            {
                w.Name("cursor").String(cursor);
            }

            w.EndObject();
        }

        w.EndObject();
        if (state.Error is { } e)
        {
            w.Name("error").BeginObject().Name("type").String(e.Type).Name("message").String(e.Message);
            Optional(w, "step", e.Step);
            if (e.Attempt is { } a)
            {
                w.Name("attempt").Int(a);
            }

            Optional(w, "at", e.At);
            w.EndObject();
        }

        w.Name("created_at").String(state.CreatedAt).Name("updated_at").String(state.UpdatedAt);
        Optional(w, "orchestrator_task_id", state.OrchestratorTaskId);
        Optional(w, WriteTokenField, writeToken);
        return w.EndObject().ToUtf8();
    }

    /// <summary>Parses a state; throws <see cref="Protocol.MalformedObjectException"/> naming the key and field.</summary>
    /// <param name="body">The object's body.</param>
    /// <param name="key">Its key (for messages).</param>
    /// <returns>The state.</returns>
    public static WorkflowState Parse(ReadOnlyMemory<byte> body, string key)
    {
        var j = JsonIn.Parse(body, key);
        var statusText = j.RequiredString("status");
        if (!TryParse(statusText, out var status))
        {
            throw j.Wrong("status", "a workflow status");
        }

        var steps = ImmutableSortedDictionary.CreateBuilder<string, StepState>(Storage.KeyOrder.Instance);
        if (j.Element("steps") is { } stepsElement)
        {
            foreach (var p in JsonIn.Of(stepsElement, key, "steps").Root.EnumerateObject())
            {
                steps[p.Name] = ParseStep(JsonIn.Of(p.Value, key, "steps." + p.Name));
            }
        }

        var signals = ImmutableSortedDictionary.CreateBuilder<string, string?>(Storage.KeyOrder.Instance);
        if (j.Element("signals") is { } signalsElement)
        {
            foreach (var p in JsonIn.Of(signalsElement, key, "signals").Root.EnumerateObject())
            {
                signals[p.Name] = JsonIn.Of(p.Value, key, "signals." + p.Name).OptionalString("cursor");
            }
        }

        WorkflowErrorInfo? error = null;
        if (j.Element("error") is { } errorElement)
        {
            var e = JsonIn.Of(errorElement, key, "error");
            error = new WorkflowErrorInfo(e.RequiredString("type"), e.RequiredString("message"), e.OptionalString("step"), e.OptionalInt("attempt"), e.OptionalString("at"));
        }

        return new WorkflowState
        {
            Id = j.RequiredString("id"),
            Type = j.RequiredString("type"),
            DefinitionHash = j.RequiredString("definition_hash"),
            Status = status,
            CurrentSteps = j.OptionalStringArray("current_steps") ?? [],
            Data = j.Element("data")?.Clone(),
            Steps = steps.ToImmutable(),
            Signals = signals.ToImmutable(),
            Error = error,
            CreatedAt = j.RequiredString("created_at"),
            UpdatedAt = j.RequiredString("updated_at"),
            OrchestratorTaskId = j.OptionalString("orchestrator_task_id"),
        };
    }

    /// <summary>A signal object (§2.12): <c>{"id","name","payload","created_at"}</c>.</summary>
    /// <param name="id">The signal id.</param>
    /// <param name="name">The signal name.</param>
    /// <param name="payload">The payload (JSON null when none).</param>
    /// <param name="createdAt">The timestamp string (also in the key).</param>
    /// <returns>Compact UTF-8 JSON.</returns>
    public static byte[] SerializeSignal(Guid id, string name, JsonElement? payload, string createdAt) =>
        new JsonOut().BeginObject().Name("id").String(id.ToString("D")).Name("name").String(name)
            .Name("payload").Element(payload).Name("created_at").String(createdAt).EndObject().ToUtf8();

    /// <summary>A signal's payload; throws <see cref="Protocol.MalformedObjectException"/> when the object is not a signal.</summary>
    /// <param name="body">The body.</param>
    /// <param name="key">Its key.</param>
    /// <returns>The payload (null for JSON null).</returns>
    public static JsonElement? ParseSignalPayload(ReadOnlyMemory<byte> body, string key)
    {
        var j = JsonIn.Parse(body, key);
        return j.RequiredNullable("payload")?.Clone();
    }

    private static StepState ParseStep(JsonIn s)
    {
        var text = s.RequiredString("status");
        if (!TryParseStep(text, out var status))
        {
            throw s.Wrong("status", "a step status");
        }

        return new StepState
        {
            Status = status,
            StartedAt = s.OptionalString("started_at"),
            CompletedAt = s.OptionalString("completed_at"),
            Result = s.Element("result")?.Clone(),
            Error = s.OptionalString("error"),
            Attempt = s.Int("attempt", 0, uint.MaxValue),
            TaskId = s.OptionalString("task_id"),
        };
    }

    private static bool TryParseStep(string text, out StepStatus status) => TryParseWire(text, ToWire, out status);

    private static bool TryParseWire<T>(string? text, Func<T, string> toWire, out T value)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (toWire(v) == text)
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static void WriteStep(JsonOut w, StepState step)
    {
        w.BeginObject().Name("status").String(ToWire(step.Status));
        Optional(w, "started_at", step.StartedAt);
        Optional(w, "completed_at", step.CompletedAt);
        if (step.Result is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } r)
        {
            w.Name("result").Element(r);
        }

        Optional(w, "error", step.Error);
        w.Name("attempt").Int(step.Attempt);
        Optional(w, "task_id", step.TaskId);
        w.EndObject();
    }

    private static void Optional(JsonOut w, string name, string? value)
    {
        if (value is not null)
        {
            w.Name(name).String(value);
        }
    }
}
