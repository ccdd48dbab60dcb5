using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Schemas;

/// <summary>
/// The JSON Schemas (draft 2020-12) of one task type's input and output, stored as buquet's
/// <c>schemas/{task_type}.json</c> (protocol §2.10): <c>{"input": schema, "output": schema}</c>, each part left out when
/// absent, written compact like every peer object. A missing part constrains nothing.
/// </summary>
/// <param name="Input">The schema of the task input (an object or a boolean schema); <c>null</c> when absent.</param>
/// <param name="Output">The schema of the handler output; <c>null</c> when absent.</param>
public sealed record TaskSchema(JsonElement? Input, JsonElement? Output)
{
    /// <summary>Parses a TaskSchema object as a peer writes it (JSON text such as <c>{"input":{...}}</c>).</summary>
    /// <param name="json">The object's JSON text.</param>
    /// <param name="source">Named in the error (an object key, a file name, <c>--input</c>).</param>
    /// <exception cref="MalformedObjectException">Not JSON, not an object, or a part that is not a schema (object or boolean).</exception>
    public static TaskSchema Parse(string json, string source = "schema")
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), source);
    }

    /// <summary>The compact wire form: <c>input</c> then <c>output</c>, absent parts left out.</summary>
    public byte[] ToUtf8()
    {
        var o = new JsonOut().BeginObject();
        if (Input is { } input)
        {
            o.Name("input").Element(input);
        }

        if (Output is { } output)
        {
            o.Name("output").Element(output);
        }

        return o.EndObject().ToUtf8();
    }

    /// <summary>The compact wire form as text.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToUtf8());

    /// <summary>Reads the stored object at <paramref name="key"/>: absent or <c>null</c> parts are none; unknown fields are ignored.</summary>
    internal static TaskSchema Parse(ReadOnlyMemory<byte> utf8, string key)
    {
        var json = JsonIn.Parse(utf8, key);
        return new TaskSchema(Part(json, "input"), Part(json, "output"));
    }

    private static JsonElement? Part(JsonIn json, string name)
    {
        if (json.Element(name) is not { } part)
        {
            return null;
        }

        return part.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False
            ? part
            : throw new MalformedObjectException(json.Key, $"field '{name}' must be a JSON Schema (an object or a boolean), found {part.ValueKind}");
    }
}
