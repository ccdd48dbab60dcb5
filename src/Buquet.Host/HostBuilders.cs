using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Buquet.Host;

/// <summary>
/// The generic and web host builders of the <c>buquet</c> process (worker, dashboard, Prometheus endpoint).
/// </summary>
/// <remarks>
/// Invariant: no <c>buquet</c> process watches files. The hosts' defaults load <c>appsettings.json</c> with
/// reload-on-change, and the file watcher behind it watches the content root <b>recursively</b> (on Linux one inotify
/// watch per directory, each path held as a string on the heap). A worker started in a directory with a large tree (a
/// local store under <c>./buquet-data</c> is one directory per object) held tens of MB and used CPU on every write in
/// that tree. buquet reads its configuration once at start (HOCON, environment, flags), so nothing is lost.
/// </remarks>
internal static class HostBuilders
{
    /// <summary>Host-configuration switch read by the hosts' defaults before they add <c>appsettings.json</c>.</summary>
    internal static readonly string[] NoReloadArgs = ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>The worker's generic host: the usual defaults (logging, environment), without file watching.</summary>
    public static HostApplicationBuilder Generic() =>
        Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = NoReloadArgs });

    /// <summary>A slim web host rooted at the application directory, without file watching.</summary>
    public static WebApplicationBuilder Web(string applicationName) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
            Args = NoReloadArgs,
        });
}
