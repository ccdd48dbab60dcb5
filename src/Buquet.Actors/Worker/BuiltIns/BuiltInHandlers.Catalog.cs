namespace Buquet.Actors.Worker.BuiltIns;

/// <summary>One input field of a built-in handler.</summary>
/// <param name="Name">The JSON member name.</param>
/// <param name="Type">Its JSON type (<c>integer</c>, <c>number</c>, <c>boolean</c>, <c>any</c>).</param>
/// <param name="Required">Whether the input must have it.</param>
/// <param name="Description">What it does, with its default when optional.</param>
public sealed record BuiltInHandlerField(string Name, string Type, bool Required, string Description);

/// <summary>What a built-in handler does, its input fields, an example input and its output.</summary>
/// <param name="TaskType">The task type it handles.</param>
/// <param name="Summary">One line on what it does.</param>
/// <param name="Fields">The input fields (empty: any input).</param>
/// <param name="ExampleInput">A valid input, compact JSON.</param>
/// <param name="Output">The output it completes with.</param>
public sealed record BuiltInHandlerInfo(string TaskType, string Summary, IReadOnlyList<BuiltInHandlerField> Fields, string ExampleInput, string Output);

public static partial class BuiltInHandlers
{
    /// <summary>The built-in handlers as <c>buquet handlers</c> lists them (tests keep it in step with the input records).</summary>
    public static IReadOnlyList<BuiltInHandlerInfo> Catalog { get; } =
    [
        new(Echo, "Completes with its input as output.", [], """{"hello":"world"}""", "the input, unchanged"),
        new(Sleep, "Sleeps, then completes; stops early when cancelled unless told not to.",
            [
                new("ms", "integer", false, "How long to sleep, in milliseconds. Default 0; a negative value fails the task permanently."),
                new("ignore_cancellation", "boolean", false, "Keep sleeping when cancelled (a misbehaving handler for fault tests). Default false."),
            ],
            """{"ms":2000}""", """{"slept_ms": N}"""),
        new(Fail, "Fails retryably on attempts 1..times, then completes (exercises retries and backoff).",
            [new("times", "integer", false, "How many attempts fail. Default 0; with times > max retries the task ends failed.")],
            """{"times":2}""", """{"attempt": N}"""),
        new(Reschedule, "Reschedules itself while its reschedule count is below times, then completes.",
            [
                new("times", "integer", false, "How many times to reschedule. Default 0."),
                new("delay_s", "number", false, "Delay of each reschedule, in seconds. Default 0; negative counts as 0."),
            ],
            """{"times":2,"delay_s":1}""", """{"attempt": N}"""),
    ];
}
