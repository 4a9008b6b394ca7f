package io.kubewalk.sim.net.netfilter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The iptables state of one network namespace: the tables that exist and their chains. Immutable;
 * change it through {@link #toBuilder()}. Built-in chains are always listed in hook order, user
 * chains by name (as {@code iptables-save} prints them).
 */
public final class NetfilterTables {

  private final Map<Table, Map<String, Chain>> tables;

  private NetfilterTables(Map<Table, Map<String, Chain>> tables) {
    EnumMap<Table, Map<String, Chain>> copy = new EnumMap<>(Table.class);
    tables.forEach((t, chains) -> copy.put(t, Collections.unmodifiableMap(ordered(t, chains))));
    this.tables = Collections.unmodifiableMap(copy);
  }

  private static Map<String, Chain> ordered(Table t, Map<String, Chain> chains) {
    Map<String, Chain> out = new LinkedHashMap<>();
    for (String b : t.builtinChains()) {
      if (chains.containsKey(b)) {
        out.put(b, chains.get(b));
      }
    }
    new TreeMap<>(chains).forEach((n, c) -> {
      if (!t.isBuiltin(n)) {
        out.put(n, c);
      }
    });
    return out;
  }

  public static NetfilterTables empty() {
    return new NetfilterTables(Map.of());
  }

  /** The tables that exist, in iptables-save order. */
  public Set<Table> tables() {
    return tables.keySet();
  }

  public boolean has(Table t) {
    return tables.containsKey(t);
  }

  /** Chains of a table in print order (built-ins first); empty when the table does not exist. */
  public List<Chain> chains(Table t) {
    Map<String, Chain> m = tables.get(t);
    return m == null ? List.of() : List.copyOf(m.values());
  }

  public Chain chain(Table t, String name) {
    Map<String, Chain> m = tables.get(t);
    return m == null ? null : m.get(name);
  }

  /** How many rules of the table jump or go to {@code chain} (the -L "references" count). */
  public int references(Table t, String chain) {
    int n = 0;
    for (Chain c : chains(t)) {
      for (Rule r : c.rules()) {
        Target tg = r.target();
        if ((tg instanceof Target.Jump && ((Target.Jump) tg).chain().equals(chain))
            || (tg instanceof Target.Goto && ((Target.Goto) tg).chain().equals(chain))) {
          n++;
        }
      }
    }
    return n;
  }

  public int ruleCount(Table t) {
    return chains(t).stream().mapToInt(c -> c.rules().size()).sum();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    tables.forEach((t, chains) -> {
      Map<String, Builder.MChain> m = b.table(t);
      chains.forEach((n, c) -> m.put(n, new Builder.MChain(c.policy(), new ArrayList<>(c.rules()))));
    });
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetfilterTables && ((NetfilterTables) o).tables.equals(tables);
  }

  @Override
  public int hashCode() {
    return tables.hashCode();
  }

  @Override
  public String toString() {
    return IptablesSave.render(this, null, null);
  }

  /** Mutable builder with the operations iptables and iptables-restore perform. */
  public static final class Builder {
    private static final class MChain {
      String policy;
      final List<Rule> rules;

      MChain(String policy, List<Rule> rules) {
        this.policy = policy;
        this.rules = rules;
      }
    }

    private final Map<Table, Map<String, MChain>> tables = new EnumMap<>(Table.class);

    private Map<String, MChain> table(Table t) {
      return tables.computeIfAbsent(t, k -> {
        Map<String, MChain> m = new LinkedHashMap<>();
        for (String b : k.builtinChains()) {
          m.put(b, new MChain("ACCEPT", new ArrayList<>()));
        }
        return m;
      });
    }

    /** Creates the table with its built-in chains (policy ACCEPT) if missing. */
    public Builder ensureTable(Table t) {
      table(t);
      return this;
    }

    /** {@code iptables -N} when missing (EnsureChain). */
    public Builder ensureChain(Table t, String chain) {
      table(t).computeIfAbsent(chain, k -> new MChain(null, new ArrayList<>()));
      return this;
    }

    /** iptables-restore's {@code :CHAIN POLICY} line: create or flush, and set the policy. */
    public Builder declare(Table t, String chain, String policy) {
      Map<String, MChain> m = table(t);
      MChain c = m.get(chain);
      if (c == null) {
        if (t.isBuiltin(chain) && policy == null) {
          throw new IllegalArgumentException("built-in chain " + chain + " needs a policy");
        }
        m.put(chain, new MChain(t.isBuiltin(chain) ? policy : null, new ArrayList<>()));
      } else {
        c.rules.clear();
        if (t.isBuiltin(chain) && policy != null) {
          c.policy = policy;
        }
      }
      return this;
    }

    public Builder policy(Table t, String chain, String policy) {
      MChain c = existing(t, chain);
      if (c.policy == null) {
        throw new IllegalArgumentException("cannot set policy on user-defined chain " + chain);
      }
      c.policy = policy;
      return this;
    }

    private MChain existing(Table t, String chain) {
      MChain c = table(t).get(chain);
      if (c == null) {
        throw new IllegalArgumentException("chain " + chain + " does not exist in table " + t.lower());
      }
      return c;
    }

    /** {@code iptables -A}. */
    public Builder append(Table t, Rule r) {
      existing(t, r.chain()).rules.add(r);
      return this;
    }

    /** {@code iptables -I CHAIN 1}. */
    public Builder prepend(Table t, Rule r) {
      existing(t, r.chain()).rules.add(0, r);
      return this;
    }

    /** kube-proxy's EnsureRule(Prepend): insert at the top unless an equal rule exists. */
    public Builder ensureRulePrepended(Table t, Rule r) {
      if (!existing(t, r.chain()).rules.contains(r)) {
        prepend(t, r);
      }
      return this;
    }

    /** kube-proxy's EnsureRule(Append). */
    public Builder ensureRuleAppended(Table t, Rule r) {
      if (!existing(t, r.chain()).rules.contains(r)) {
        append(t, r);
      }
      return this;
    }

    public Builder flush(Table t, String chain) {
      existing(t, chain).rules.clear();
      return this;
    }

    /** {@code iptables -X}. */
    public Builder delete(Table t, String chain) {
      if (t.isBuiltin(chain)) {
        throw new IllegalArgumentException("cannot delete built-in chain " + chain);
      }
      existing(t, chain);
      table(t).remove(chain);
      return this;
    }

    public boolean hasChain(Table t, String chain) {
      return tables.containsKey(t) && tables.get(t).containsKey(chain);
    }

    public NetfilterTables build() {
      Map<Table, Map<String, Chain>> out = new EnumMap<>(Table.class);
      tables.forEach((t, m) -> {
        Map<String, Chain> chains = new LinkedHashMap<>();
        m.forEach((n, c) -> chains.put(n, new Chain(n, c.policy, c.rules)));
        out.put(t, chains);
      });
      return new NetfilterTables(out);
    }
  }
}
