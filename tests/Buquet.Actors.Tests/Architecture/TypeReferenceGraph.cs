using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Buquet.Actors.Tests.Architecture;

/// <summary>
/// Every type reference one compiled assembly makes from its own types to its own types, read from the metadata and
/// the IL with Mono.Cecil: base types, interfaces, attributes, generic constraints, fields, properties, events,
/// method signatures, locals, catch clauses and every type, method or field an instruction names. Compiler-made types
/// (closures, state machines, lambdas) count as the top-level type they were written in.
/// </summary>
public sealed class TypeReferenceGraph
{
    private TypeReferenceGraph(string rootNamespace, IReadOnlyCollection<TypeEdge> edges, IReadOnlyCollection<string> types)
    {
        RootNamespace = rootNamespace;
        Edges = edges;
        Types = types;
    }

    /// <summary>The namespace every type of the assembly lives under (for example <c>Buquet.Actors</c>).</summary>
    public string RootNamespace { get; }

    /// <summary>One edge per (top-level type, top-level type it references), both inside the root namespace.</summary>
    public IReadOnlyCollection<TypeEdge> Edges { get; }

    /// <summary>The full names of the top-level types under the root namespace.</summary>
    public IReadOnlyCollection<string> Types { get; }

    public static TypeReferenceGraph Read(string assemblyPath, string rootNamespace)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new HashSet<TypeEdge>();
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            var from = TopLevel(type);
            if (!IsUnder(from.Namespace, rootNamespace))
            {
                continue;
            }

            types.Add(from.FullName);
            var collector = new Collector(rootNamespace, from.FullName, edges);
            collector.Visit(type);
        }

        return new TypeReferenceGraph(rootNamespace, edges, types);
    }

    internal static bool IsUnder(string ns, string root) =>
        ns.Length > root.Length && ns.StartsWith(root, StringComparison.Ordinal) && ns[root.Length] == '.';

    private static TypeReference TopLevel(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private sealed class Collector(string root, string from, HashSet<TypeEdge> edges)
    {
        public void Visit(TypeDefinition type)
        {
            Add(type.BaseType);
            foreach (var implemented in type.Interfaces)
            {
                Add(implemented.InterfaceType);
            }

            Attributes(type);
            Constraints(type);
            foreach (var field in type.Fields)
            {
                Add(field.FieldType);
                Attributes(field);
            }

            foreach (var property in type.Properties)
            {
                Add(property.PropertyType);
                Attributes(property);
            }

            foreach (var ev in type.Events)
            {
                Add(ev.EventType);
            }

            foreach (var method in type.Methods)
            {
                Method(method);
            }
        }

        private void Method(MethodDefinition method)
        {
            Add(method.ReturnType);
            Attributes(method);
            Constraints(method);
            foreach (var parameter in method.Parameters)
            {
                Add(parameter.ParameterType);
                Attributes(parameter);
            }

            if (!method.HasBody)
            {
                return;
            }

            foreach (var local in method.Body.Variables)
            {
                Add(local.VariableType);
            }

            foreach (var handler in method.Body.ExceptionHandlers)
            {
                Add(handler.CatchType);
            }

            foreach (var instruction in method.Body.Instructions)
            {
                Operand(instruction);
            }
        }

        private void Operand(Instruction instruction)
        {
            switch (instruction.Operand)
            {
                case TypeReference type:
                    Add(type);
                    break;
                case MethodReference called:
                    Add(called.DeclaringType);
                    Add(called.ReturnType);
                    foreach (var parameter in called.Parameters)
                    {
                        Add(parameter.ParameterType);
                    }

                    if (called is GenericInstanceMethod generic)
                    {
                        foreach (var argument in generic.GenericArguments)
                        {
                            Add(argument);
                        }
                    }

                    break;
                case FieldReference field:
                    Add(field.DeclaringType);
                    Add(field.FieldType);
                    break;
            }
        }

        private void Attributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments)
                {
                    Add(argument.Value as TypeReference);
                }
            }
        }

        private void Constraints(IGenericParameterProvider provider)
        {
            foreach (var parameter in provider.GenericParameters)
            {
                foreach (var constraint in parameter.Constraints)
                {
                    Add(constraint.ConstraintType);
                }
            }
        }

        private void Add(TypeReference? type)
        {
            switch (type)
            {
                case null or GenericParameter:
                    return;
                case GenericInstanceType generic:
                    Add(generic.ElementType);
                    foreach (var argument in generic.GenericArguments)
                    {
                        Add(argument);
                    }

                    return;
                case TypeSpecification specification:
                    Add(specification.ElementType);
                    return;
            }

            var to = TopLevel(type);
            if (IsUnder(to.Namespace, root) && to.FullName != from)
            {
                edges.Add(new TypeEdge(from, to.FullName));
            }
        }
    }
}

/// <summary>Top-level type <paramref name="From"/> references top-level type <paramref name="To"/>.</summary>
public sealed record TypeEdge(string From, string To);
