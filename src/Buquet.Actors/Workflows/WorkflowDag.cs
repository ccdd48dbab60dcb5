using System.Security.Cryptography;
using System.Text;

namespace Buquet.Actors.Workflows;

/// <summary>The DAG rules of buquet's workflows: validation, topological order and the definition hash.</summary>
public static class WorkflowDag
{
    /// <summary>
    /// buquet's stored <c>definition_hash</c>: <c>sha256:</c> + the first 16 hex digits of SHA-256 over Python's
    /// <c>json.dumps({"steps": sorted(names), "dependencies": {name: sorted(deps)}}, sort_keys=True)</c> (separators
    /// <c>", "</c> and <c>": "</c>, ASCII escaping), so workflows started by buquet's Python client resume here.
    /// </summary>
    /// <param name="dependencies">Each step's dependencies.</param>
    /// <returns>The hash, e.g. <c>sha256:d546d328fe022f72</c> for steps a, b(a).</returns>
    public static string DefinitionHash(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DefinitionText(dependencies))))[..16];
    }

    /// <summary>The text hashed by <see cref="DefinitionHash"/>.</summary>
    /// <param name="dependencies">Each step's dependencies.</param>
    /// <returns>Python's <c>json.dumps</c> text.</returns>
    public static string DefinitionText(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var names = dependencies.Keys.Order(PythonOrder.Instance).ToList();
        var sb = new StringBuilder("{\"dependencies\": {");
        for (var i = 0; i < names.Count; i++)
        {
            sb.Append(i == 0 ? "" : ", ");
            PythonString(sb, names[i]);
            sb.Append(": ");
            PythonList(sb, dependencies[names[i]].Order(PythonOrder.Instance));
        }

        sb.Append("}, \"steps\": ");
        PythonList(sb, names);
        return sb.Append('}').ToString();
    }

    /// <summary>Throws <see cref="WorkflowDefinitionException"/> for an unknown dependency, a self-dependency or a cycle.</summary>
    /// <param name="workflow">The workflow name (for the message).</param>
    /// <param name="dependencies">Each step's dependencies.</param>
    public static void Validate(string workflow, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        foreach (var (step, deps) in dependencies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var dep in deps)
            {
                if (dep == step)
                {
                    throw new WorkflowDefinitionException($"Workflow '{workflow}': step '{step}' depends on itself.");
                }

                if (!dependencies.ContainsKey(dep))
                {
                    throw new WorkflowDefinitionException($"Workflow '{workflow}': step '{step}' depends on unknown step '{dep}'.");
                }
            }
        }

        var order = TopologicalOrder(dependencies);
        if (order.Count < dependencies.Count)
        {
            var inCycle = dependencies.Keys.Except(order, StringComparer.Ordinal).Order(StringComparer.Ordinal);
            throw new WorkflowDefinitionException($"Workflow '{workflow}': dependency cycle among steps {string.Join(", ", inCycle.Select(s => $"'{s}'"))}.");
        }
    }

    /// <summary>Kahn's topological order with lexicographic tie-breaking; steps on a cycle are left out.</summary>
    /// <param name="dependencies">Each step's dependencies (unknown ones ignored).</param>
    /// <returns>The order.</returns>
    public static IReadOnlyList<string> TopologicalOrder(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        var indegree = dependencies.ToDictionary(p => p.Key, p => p.Value.Distinct(StringComparer.Ordinal).Count(dependencies.ContainsKey), StringComparer.Ordinal);
        var ready = new SortedSet<string>(indegree.Where(p => p.Value == 0).Select(p => p.Key), StringComparer.Ordinal);
        var order = new List<string>(dependencies.Count);
        while (ready.Count > 0)
        {
            var next = ready.Min!;
            ready.Remove(next);
            order.Add(next);
            foreach (var (step, deps) in dependencies)
            {
                if (deps.Distinct(StringComparer.Ordinal).Contains(next, StringComparer.Ordinal) && --indegree[step] == 0)
                {
                    ready.Add(step);
                }
            }
        }

        return order;
    }

    private static void PythonList(StringBuilder sb, IEnumerable<string> items)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            sb.Append(first ? "" : ", ");
            first = false;
            PythonString(sb, item);
        }

        sb.Append(']');
    }

    // json.dumps with ensure_ascii=True: ", \, \n \r \t \b \f by name, other controls and non-ASCII as \uXXXX (UTF-16).
    private static void PythonString(StringBuilder sb, string value) => Protocol.Json.JsonOut.AppendString(sb, value, asciiOnly: true);

    /// <summary>Python's str order: code points (UTF-16 ordinal differs above U+FFFF).</summary>
    private sealed class PythonOrder : IComparer<string>
    {
        public static PythonOrder Instance { get; } = new();

        public int Compare(string? x, string? y) => Storage.KeyOrder.CompareKeys(x, y);
    }
}
