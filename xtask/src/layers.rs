//! `cargo xtask layers`: fails when a module imports, directly or through others, a module that
//! imports it back, in `app` (server and browser builds) and in `server`.
//!
//! cargo-modules draws each crate's graph of items and their `use` edges. Its own `--acyclic`
//! checks that graph before any filter applies, where a type owns its methods and a method that
//! names its type uses it back: every such method would count as a cycle. So this reads the
//! drawn graph instead, folds every item into the module that holds it, and looks for cycles
//! among modules, which is what layering is about.
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// The crates and features checked, as cargo-modules arguments.
const TARGETS: [&[&str]; 3] = [
    &["-p", "app", "--lib", "--features", "ssr"],
    &["-p", "app", "--lib", "--features", "hydrate"],
    &["-p", "server", "--lib"],
];

pub fn check() -> Result<(), String> {
    let mut failures = Vec::new();
    for target in TARGETS {
        let what = format!("cargo modules dependencies {}", target.join(" "));
        println!("{what}");
        let output = Command::new("cargo")
            .args(["modules", "dependencies", "--no-externs", "--no-sysroot"])
            .args(target)
            .output()
            .map_err(|e| format!("{what}: cannot start ({e}); install it with `cargo install cargo-modules --version 0.27.0 --locked`"))?;
        if !output.status.success() {
            return Err(format!("{what} failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        let cycles = module_cycles(&String::from_utf8_lossy(&output.stdout));
        for cycle in &cycles {
            println!("  cycle: {}", cycle.join(" <-> "));
        }
        if cycles.is_empty() {
            println!("  no cycle among modules");
        } else {
            failures.push(what);
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(format!("modules import each other in: {}", failures.join("; "))) }
}

/// The groups of modules that import each other (each sorted), from cargo-modules' DOT output.
pub fn module_cycles(dot: &str) -> Vec<Vec<String>> {
    // Node lines: `"app::x::Y" [label="pub struct|x::Y", ...]`; the kind is the label's last word
    // before the bar.
    let mut kinds: BTreeMap<&str, &str> = BTreeMap::new();
    let mut uses: Vec<(&str, &str)> = Vec::new();
    for line in dot.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix('"') else { continue };
        let Some((from, rest)) = rest.split_once('"') else { continue };
        if let Some(edge) = rest.strip_prefix(" -> \"") {
            if let Some((to, attributes)) = edge.split_once('"') {
                if attributes.contains("label=\"uses\"") {
                    uses.push((from, to));
                }
            }
        } else if let Some(label) = rest.split_once("label=\"").map(|(_, l)| l) {
            let kind = label.split('|').next().unwrap_or_default().split_whitespace().last().unwrap_or_default();
            kinds.insert(from, kind);
        }
    }
    let module_of = |mut path: &str| -> String {
        while kinds.get(path).is_some_and(|kind| *kind != "mod" && *kind != "crate") {
            match path.rsplit_once("::") {
                Some((parent, _)) => path = parent,
                None => break,
            }
        }
        path.to_owned()
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in uses {
        let (a, b) = (module_of(from), module_of(to));
        // A module and what it contains are one unit: `mod.rs` re-exporting a child is no cycle.
        let nested = a == b || b.starts_with(&format!("{a}::")) || a.starts_with(&format!("{b}::"));
        if !nested {
            graph.entry(a).or_default().insert(b);
        }
    }
    strongly_connected(&graph).into_iter().filter(|group| group.len() > 1).collect()
}

/// Tarjan's strongly connected components, iteratively.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let nodes: Vec<&String> = graph.keys().chain(graph.values().flatten()).collect::<BTreeSet<_>>().into_iter().collect();
    let index_of: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = nodes.iter().map(|n| graph.get(*n).into_iter().flatten().map(|m| index_of[m]).collect()).collect();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; nodes.len()], vec![0; nodes.len()], vec![false; nodes.len()]);
    let (mut stack, mut groups, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..nodes.len() {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some((v, edge)) = work.pop() {
            if edge == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(edge) {
                work.push((v, edge + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    group.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                group.sort();
                groups.push(group);
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(path: &str, kind: &str) -> String {
        format!("    \"{path}\" [label=\"pub {kind}|{path}\", fillcolor=\"#81c169\"]; // \"{kind}\" node\n")
    }

    fn uses(from: &str, to: &str) -> String {
        format!("    \"{from}\" -> \"{to}\" [label=\"uses\", color=\"#7f7f7f\", style=\"dashed\"] [constraint=false]; // \"uses\" edge\n")
    }

    fn graph(parts: &[String]) -> String {
        format!("digraph {{\n{}}}\n", parts.concat())
    }

    #[test]
    fn two_modules_that_import_each_other_are_a_cycle() {
        let dot = graph(&[
            node("app", "crate"),
            node("app::a", "mod"),
            node("app::b", "mod"),
            node("app::c", "mod"),
            node("app::a::Thing", "struct"),
            node("app::b::make", "fn"),
            node("app::c::Other", "struct"),
            uses("app::a", "app::b::make"),
            uses("app::b::make", "app::a::Thing"),
            uses("app::c", "app::a::Thing"),
        ]);
        assert_eq!(module_cycles(&dot), [["app::a", "app::b"]]);
    }

    #[test]
    fn a_type_and_its_own_methods_or_a_parent_and_its_child_are_not() {
        let dot = graph(&[
            node("app", "crate"),
            node("app::a", "mod"),
            node("app::a::child", "mod"),
            node("app::a::Thing", "struct"),
            node("app::a::Thing::new", "fn"),
            node("app::a::child::f", "fn"),
            uses("app::a::Thing::new", "app::a::Thing"),
            uses("app::a", "app::a::child::f"),
            uses("app::a::child", "app::a::Thing"),
        ]);
        assert!(module_cycles(&dot).is_empty());
    }

    #[test]
    fn a_longer_loop_is_one_group() {
        let dot = graph(&[
            node("app", "crate"),
            node("app::a", "mod"),
            node("app::b", "mod"),
            node("app::c", "mod"),
            uses("app::a", "app::b"),
            uses("app::b", "app::c"),
            uses("app::c", "app::a"),
        ]);
        assert_eq!(module_cycles(&dot), [["app::a", "app::b", "app::c"]]);
    }
}
