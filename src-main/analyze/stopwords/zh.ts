/** Chinese stop words (a short list: particles, pronouns, conjunctions, common function words). */
export const ZH_STOPWORDS = `
的 了 和 是 在 也 有 就 不 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 它们 我 你 他 她 它 这 那 这个 那个
这些 那些 之 以 于 为 被 把 让 对 从 向 到 给 由 但 但是 并 并且 而且 如果 因为 所以 虽然 然后 还 又 再 很 更 最
其 其中 等 等等 啊 吧 呢 吗 嘛 哦 呀 么 个 们 中 上 下 里 后 前 已 已经 将 会 能 可 可以 要 该 这样 那样 怎么
什么 哪 谁 多少 几 每 各 某 本 此 该 自己 之后 之前 以及 以上 以下 其他 另外 通过 进行 没 无 非 即 则 若 如 如何
为什么 因此 由于 对于 关于 一些 一种 一样 这种 那种 地 得 所 来 去 说 又 年 月 日
`
  .split(/\s+/)
  .filter(Boolean)
