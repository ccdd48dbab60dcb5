using System.Globalization;
using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>The <c>buquet bench dashboard</c> report: JSON (<c>--json</c>) and a text table.</summary>
internal static class DashboardBenchReport
{
    public static JsonObject ToJson(string store, DashboardBenchResult r)
    {
        var states = new JsonObject();
        foreach (var (state, n) in r.States.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            states[state] = n;
        }

        return new JsonObject
        {
            ["benchmark"] = "dashboard",
            ["store"] = store,
            ["tasks"] = r.Settings.Tasks,
            ["states"] = states,
            ["cache"] = new JsonObject
            {
                ["list_pages_per_refresh"] = r.Cache.MaxListPagesPerRefresh,
                ["list_page_size"] = r.Cache.ListPageSize,
                ["gets_per_refresh"] = r.Cache.MaxGetsPerRefresh,
                ["request_budget_per_refresh"] = r.Cache.RequestBudget,
            },
            ["cold_load"] = new JsonObject { ["requests"] = r.Cold.Total.ToJson(), ["seconds"] = Math.Round(r.Cold.Seconds, 3) },
            ["refresh_unchanged"] = new JsonObject
            {
                ["refreshes"] = r.Unchanged.Refreshes,
                ["per_refresh"] = r.Unchanged.PerRefresh.ToJson(),
                ["max_per_refresh"] = r.Unchanged.MaxPerRefresh,
            },
            ["refresh_after_changes"] = new JsonObject
            {
                ["changed"] = r.Changed.Changed,
                ["first_refresh"] = r.Changed.FirstRefresh.ToJson(),
                ["refreshes_until_visible"] = r.Changed.UntilVisible.Refreshes,
                ["until_visible"] = r.Changed.UntilVisible.Total.ToJson(),
                ["max_per_refresh"] = r.Changed.UntilVisible.MaxPerRefresh,
            },
            ["sse"] = new JsonObject
            {
                ["clients"] = r.Sse.Clients,
                ["refreshes"] = r.Settings.Refreshes,
                ["per_refresh_without_clients"] = r.Sse.RefreshWithout.ToJson(),
                ["per_refresh_with_clients"] = r.Sse.RefreshWith.ToJson(),
                ["new_task_refreshes_until_visible"] = r.Sse.Delivery.Refreshes,
                ["new_task_requests_until_visible"] = r.Sse.Delivery.Total.ToJson(),
                ["requests_between_refreshes"] = r.Sse.BetweenRefreshes.ToJson(),
                ["per_client_requests"] = Math.Round(r.Sse.PerClient, 3),
                ["clients_updated"] = r.Sse.ClientsUpdated,
            },
        };
    }

    public static IEnumerable<string> Table(string store, DashboardBenchResult r)
    {
        static string Row(string name, RequestMix m, string note) => string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {m.List,7:0.#} {m.Get,7:0.#} {m.Put,6:0.#} {m.Head,6:0.#} {m.Delete,6:0.#} {m.Total,7:0.#}  {note}");

        yield return $"Dashboard request budget: {r.Settings.Tasks} tasks on {store} ("
            + string.Join(", ", r.States.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Value} {kv.Key}")) + ")";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Cache: {r.Cache.MaxListPagesPerRefresh} LIST pages x {r.Cache.ListPageSize} keys + {r.Cache.MaxGetsPerRefresh} GETs per refresh; budget {r.Cache.RequestBudget} requests per refresh.");
        yield return $"{"phase",-34} {"LIST",7} {"GET",7} {"PUT",6} {"HEAD",6} {"DEL",6} {"total",7}";
        yield return Row("cold first load", r.Cold.Total, string.Create(CultureInfo.InvariantCulture, $"{r.Cold.Seconds:0.0} s, includes the start-up probe"));
        yield return Row("refresh, nothing changed (mean)", r.Unchanged.PerRefresh, $"max {r.Unchanged.MaxPerRefresh} over {r.Unchanged.Refreshes} refreshes");
        yield return Row($"refresh after {r.Changed.Changed} changed (first)", r.Changed.FirstRefresh, string.Empty);
        yield return Row($"  until all {r.Changed.Changed} visible (sum)", r.Changed.UntilVisible.Total, $"{r.Changed.UntilVisible.Refreshes} refreshes, max {r.Changed.UntilVisible.MaxPerRefresh}");
        yield return Row("refresh, 0 SSE clients (mean)", r.Sse.RefreshWithout, "nothing changed");
        yield return Row($"refresh, {r.Sse.Clients} SSE clients (mean)", r.Sse.RefreshWith, "nothing changed");
        yield return Row("  new task until pushed (sum)", r.Sse.Delivery.Total, $"{r.Sse.Delivery.Refreshes} refreshes; {r.Sse.ClientsUpdated} of {r.Sse.Clients} clients got it");
        yield return Row("SSE clients between refreshes", r.Sse.BetweenRefreshes, string.Create(CultureInfo.InvariantCulture, $"per client: {r.Sse.PerClient:0.###} requests"));
    }
}
