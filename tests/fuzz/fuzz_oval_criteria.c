/*
 * fuzz_oval_criteria.c - the OVAL criteria string parser (oval_criteria_parse)
 * and the three-valued evaluation of what it builds (oval_combine, oval_negate).
 */
#include "config.h"

#include "base/ctx.h"
#include "base/sb.h"
#include "match/oval.h"
#include "tests/fuzz/fuzz.h"

/* Checks node i's subtree (sizes, children, depth) and returns its result,
 * each test taking the value of its id modulo 3. */
static enum oval_result
walk(const struct oval_tree *t, size_t i, int depth)
{
	const struct oval_node *nd = &t->v[i];
	enum oval_result *v, r;
	size_t j = i + 1, k, span = 1;

	FUZZ_ASSERT(i < t->n && nd->size >= 1 && nd->size <= t->n - i);
	FUZZ_ASSERT(depth <= OVAL_DEPTH_MAX);
	switch (nd->kind) {
	case OVAL_NODE_TEST:
		FUZZ_ASSERT(nd->size == 1 && nd->nchildren == 0 && nd->test > 0);
		return (enum oval_result)(nd->test % 3);
	case OVAL_NODE_NOT:
		FUZZ_ASSERT(nd->nchildren == 1 && nd->size == 1 + t->v[j].size);
		return oval_negate(walk(t, j, depth + 1));
	case OVAL_NODE_OP:
		FUZZ_ASSERT(nd->nchildren >= 1 && nd->op <= OVAL_XOR);
		v = malloc(nd->nchildren * sizeof(*v));
		FUZZ_ASSERT(v != NULL);
		for (k = 0; k < nd->nchildren; k++) {
			v[k] = walk(t, j, depth + 1);
			span += t->v[j].size;
			j += t->v[j].size;
		}
		FUZZ_ASSERT(span == nd->size);
		r = oval_combine(nd->op, v, nd->nchildren);
		/* OVAL's operators depend only on how many of each result */
		if (nd->nchildren > 1) {
			enum oval_result x = v[0];

			v[0] = v[nd->nchildren - 1];
			v[nd->nchildren - 1] = x;
			FUZZ_ASSERT(oval_combine(nd->op, v, nd->nchildren) == r);
		}
		free(v);
		return r;
	}
	FUZZ_ASSERT(0);
	return OVAL_UNKNOWN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oval_tree t;
	struct sb out = SB_INIT;
	struct ctx c;
	int r;

	ctx_init(&c);
	r = oval_criteria_parse(&c, (const char *)data, size, &t);
	if (r != 0) {
		FUZZ_ASSERT((r == E_FORMAT || r == E_LIMIT) && c.err[0] != '\0');
		FUZZ_ASSERT(t.v == NULL && t.n == 0);
		return 0;
	}
	FUZZ_ASSERT(t.n >= 1 && t.n <= OVAL_NODES_MAX && t.v[0].size == t.n);
	(void)walk(&t, 0, 0);
	/* the tree says exactly what the string said */
	oval_criteria_format(&t, &out);
	FUZZ_ASSERT(out.len == size && memcmp(sb_str(&out), data, size) == 0);
	sb_free(&out);
	oval_tree_free(&t);
	return 0;
}
