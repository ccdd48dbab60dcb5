namespace Buquet.Actors.Kernel;

/// <summary>The hierarchical address of an actor, e.g. <c>buquet://sys/user/worker/poller</c>.</summary>
public sealed class ActorPath
{
    private string? _text;

    internal ActorPath(string systemName, ActorPath? parent, string name)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
    }

    /// <summary>The actor system's name.</summary>
    public string SystemName { get; }

    /// <summary>The parent path, or null for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last path element.</summary>
    public string Name { get; }

    /// <summary>The path without the system prefix, e.g. <c>/user/worker</c>.</summary>
    public string Elements => Parent is null ? string.Empty : Parent.Elements + "/" + Name;

    /// <inheritdoc />
    public override string ToString() => _text ??= "buquet://" + SystemName + Elements;
}
