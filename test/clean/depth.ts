import { isTag, type ParentNode } from 'domhandler';

/** How deep elements nest under `root`, counted without recursion. */
export function depthOf(root: ParentNode): number {
  let deepest = 0;
  const pending: [ParentNode, number][] = [[root, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [parent, level] = next;
    deepest = Math.max(deepest, level);
    for (const child of parent.children) if (isTag(child)) pending.push([child, level + 1]);
  }
  return deepest;
}
