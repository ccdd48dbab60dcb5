using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>Adds HOCON sources to an <see cref="IConfigurationBuilder"/>.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file. Relative paths resolve against the current directory; includes resolve against the file's directory.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file path.</param>
    /// <param name="optional">When true a missing file adds nothing; otherwise building the configuration throws <see cref="FileNotFoundException"/>.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional });
    }

    /// <summary>Adds HOCON text.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="content">The HOCON document.</param>
    /// <param name="name">Name used in error messages.</param>
    /// <param name="baseDirectory">Directory for relative includes; the current directory when null.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string content, string name = "<string>", string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(content);
        return builder.Add(new HoconConfigurationSource { Content = content, ContentName = name, BaseDirectory = baseDirectory });
    }
}
