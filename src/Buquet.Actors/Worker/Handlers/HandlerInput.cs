using System.Text.Json;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>The task's input did not deserialize into the handler's message type: a permanent failure.</summary>
internal sealed class InvalidTaskInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Input deserialization and output serialization shared by both handler styles.</summary>
internal static class HandlerInput
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement;

    /// <exception cref="InvalidTaskInputException">The input is not a <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException">No metadata for <typeparamref name="T"/> (reflection-based JSON off and no
    /// context for it): a deployment error, so the task is not failed for good.</exception>
    public static T Read<T>(string taskType, JsonElement? input, JsonSerializerOptions json)
    {
        if (typeof(T) == typeof(JsonElement))
        {
            return (T)(object)(input ?? Null);
        }

        var info = HandlerJson.TypeInfo<T>(json);
        try
        {
            var value = input is { } element ? element.Deserialize(info) : default;
            if (value is null && typeof(T) != typeof(object) && Nullable.GetUnderlyingType(typeof(T)) is null)
            {
                throw new InvalidTaskInputException($"Invalid input for task type '{taskType}': expected a JSON {typeof(T).Name}, got null.");
            }

            return value!;
        }
        catch (JsonException ex)
        {
            throw new InvalidTaskInputException($"Invalid input for task type '{taskType}': cannot read it as {typeof(T).Name}: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidTaskInputException($"Invalid input for task type '{taskType}': cannot read it as {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    public static JsonElement? Write<TResult>(TResult result, JsonSerializerOptions json) => result switch
    {
        null => null,
        JsonElement element => element.ValueKind == JsonValueKind.Undefined ? null : element.Clone(),
        _ => JsonSerializer.SerializeToElement(result, HandlerJson.TypeInfo<TResult>(json)),
    };
}
