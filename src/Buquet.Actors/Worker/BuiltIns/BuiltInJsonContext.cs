using System.Text.Json.Serialization;

namespace Buquet.Actors.Worker.BuiltIns;

/// <summary>Source-generated metadata of the built-in handlers' messages, so they resolve with reflection-based JSON off.</summary>
[JsonSerializable(typeof(BuiltInHandlers.SleepInput))]
[JsonSerializable(typeof(BuiltInHandlers.SleepOutput))]
[JsonSerializable(typeof(BuiltInHandlers.FailInput))]
[JsonSerializable(typeof(BuiltInHandlers.RescheduleInput))]
[JsonSerializable(typeof(BuiltInHandlers.AttemptOutput))]
internal sealed partial class BuiltInJsonContext : JsonSerializerContext;
