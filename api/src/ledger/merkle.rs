//! Merkle trees as Certificate Transparency defines them (RFC 6962 §2.1,
//! unchanged in RFC 9162 §2.1): what lets one signature cover a whole batch
//! of receipts while each receipt stays checkable on its own.
//!
//! A leaf's hash is `SHA-256(0x00 ‖ leaf)`, an inner node's `SHA-256(0x01 ‖
//! left ‖ right)`, and a tree of n > 1 leaves splits at the largest power of
//! two below n. A leaf's audit path is the sibling hashes from the leaf up
//! to the root; [`root_from_path`] folds one back to the root with RFC
//! 9162's §2.1.3.2 algorithm, which also checks that the path has exactly
//! the shape the leaf's index and the tree's size give it. Kept here, in one
//! small module tested against the RFC's reference trees, rather than taken
//! from a crate (ARCHITECTURE.md says why).

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of a leaf: `SHA-256(0x00 ‖ bytes)`.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(bytes);
    h.finalize().into()
}

/// The hash of an inner node: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the tree over `leaves` (leaf hashes, in order) and each
/// leaf's audit path, the sibling nearest the leaf first. The empty tree's
/// root is `SHA-256("")`, as in the RFC.
pub fn tree(leaves: &[Hash]) -> (Hash, Vec<Vec<Hash>>) {
    if leaves.is_empty() {
        return (Sha256::digest([]).into(), Vec::new());
    }
    let depth = (usize::BITS - (leaves.len() - 1).leading_zeros()) as usize;
    let mut paths = vec![Vec::with_capacity(depth); leaves.len()];
    let root = subtree(leaves, &mut paths);
    (root, paths)
}

/// The root of a non-empty subtree; pushes each of its leaves' siblings
/// above the leaf's own level in the subtree.
fn subtree(leaves: &[Hash], paths: &mut [Vec<Hash>]) -> Hash {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = split(leaves.len());
    let (left_leaves, right_leaves) = leaves.split_at(k);
    let (left_paths, right_paths) = paths.split_at_mut(k);
    let left = subtree(left_leaves, left_paths);
    let right = subtree(right_leaves, right_paths);
    left_paths.iter_mut().for_each(|p| p.push(right));
    right_paths.iter_mut().for_each(|p| p.push(left));
    node_hash(&left, &right)
}

/// The largest power of two below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The root that `path` leads to from leaf `index` (0-based) of a tree of
/// `size` leaves whose hash is `leaf`, or `None` when the path cannot be
/// that leaf's in that tree (index out of range, a hash too few or too
/// many).
pub fn root_from_path(index: u64, size: u64, leaf: &Hash, path: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            // A right edge: skip the levels where this node has no sibling.
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(hex: &str) -> Hash {
        hex::decode(hex).unwrap().try_into().unwrap()
    }

    /// The reference inputs of RFC 6962's test trees (as in Certificate
    /// Transparency's own implementations).
    fn reference_leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|l| leaf_hash(&hex::decode(l).unwrap()))
        .collect()
    }

    /// Their roots for sizes 0 to 8.
    const REFERENCE_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn roots_and_paths_match_the_rfc_reference_trees() {
        let leaves = reference_leaves();
        for (size, want) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(tree(&leaves[..size]).0, h(want), "root of {size}");
        }
        let (_, paths) = tree(&leaves);
        let hs = |v: &[&str]| v.iter().map(|x| h(x)).collect::<Vec<_>>();
        assert_eq!(
            paths[0],
            hs(&[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ])
        );
        assert_eq!(
            paths[5],
            hs(&[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ])
        );
        // Leaf 2 of 3: its sibling is the root of the first two.
        assert_eq!(tree(&leaves[..3]).1[2], hs(&[REFERENCE_ROOTS[2]]));
    }

    #[test]
    fn every_path_leads_to_the_root_and_nothing_else_does() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 1..=leaves.len() {
            let (root, paths) = tree(&leaves[..n]);
            let size = n as u64;
            for (i, path) in paths.iter().enumerate() {
                let i = i as u64;
                let leaf = &leaves[i as usize];
                assert_eq!(
                    root_from_path(i, size, leaf, path),
                    Some(root),
                    "{i} of {n}"
                );
                let leads = |index: u64, size: u64, leaf: &Hash, path: &[Hash]| {
                    root_from_path(index, size, leaf, path) == Some(root)
                };
                for other in 0..size + 2 {
                    if other != i {
                        assert!(!leads(other, size, leaf, path), "index {other}, {i} of {n}");
                    }
                }
                assert!(!leads(i, size, &leaves[(i as usize + 1) % 70], path));
                for k in 0..path.len() {
                    let mut changed = path.clone();
                    changed[k][7] ^= 1;
                    assert!(!leads(i, size, leaf, &changed), "hash {k}, {i} of {n}");
                    let mut shorter = path.clone();
                    shorter.remove(k);
                    assert!(!leads(i, size, leaf, &shorter), "without {k}, {i} of {n}");
                }
                let mut longer = path.clone();
                longer.push(root);
                assert_eq!(root_from_path(i, size, leaf, &longer), None);
            }
        }
        // The size is not bound by the path alone: leaf 0's path in a tree
        // of 5 also leads to that root as leaf 0 of 6. So a signed root
        // must name its size.
        let (root, paths) = tree(&leaves[..5]);
        assert_eq!(root_from_path(0, 6, &leaves[0], &paths[0]), Some(root));
    }
}
