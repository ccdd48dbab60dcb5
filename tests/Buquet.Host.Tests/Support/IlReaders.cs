using System.Reflection;
using System.Reflection.Emit;

namespace Buquet.Host.Tests.Support;

/// <summary>
/// Finds which methods are called from compiled code by decoding the IL of every method body (lambdas, async state
/// machines and iterators are compiled into nested types, which are included). Used to prove a setting's property
/// getter is called by something other than the configuration code.
/// </summary>
internal static class IlReaders
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>
    /// Every method referenced (call, callvirt, newobj, ldftn, ldtoken) by a method of a type that <paramref name="include"/>
    /// accepts, as (module, metadata token) so a getter found by reflection compares equal.
    /// </summary>
    public static HashSet<(Module Module, int Token)> CalledMethods(IEnumerable<Assembly> assemblies, Func<Type, bool> include)
    {
        var called = new HashSet<(Module, int)>();
        foreach (var type in assemblies.SelectMany(Types).Where(include))
        {
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                foreach (var target in References(method))
                {
                    called.Add((target.Module, target.MetadataToken));
                }
            }
        }

        return called;
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static IEnumerable<MethodBase> References(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[at++]);
            }

            var op = OpCodesByValue[value];
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, at);
                if (Resolve(method.Module, token, typeArgs, methodArgs) is { } target)
                {
                    yield return target;
                }
            }

            at += OperandSize(op.OperandType, il, at);
        }
    }

    private static MethodBase? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try
        {
            return module.ResolveMember(token, typeArgs, methodArgs) as MethodBase;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}
