#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "base/file.h"
#include "base/sb.h"
#include "test.h"

DEFINE_TEST(test_base_cur_bounds)
{
	const uint8_t bytes[] = { 1, 2, 3, 4, 5 };
	struct cur k;
	uint32_t v;
	uint8_t b;

	cur_init(&k, bytes, sizeof(bytes));
	ASSERT_INT_EQ(cur_get_u32be(&k, &v), 0);
	ASSERT_INT_EQ(v, 0x01020304);
	ASSERT_INT_EQ(cur_get_u32le(&k, &v), E_FORMAT);	/* only one byte left */
	ASSERT_INT_EQ(cur_avail(&k), 1);		/* failed get does not move */
	ASSERT_INT_EQ(cur_get_u8(&k, &b), 0);
	ASSERT_INT_EQ(b, 5);
	ASSERT_INT_EQ(cur_get_u8(&k, &b), E_FORMAT);
	ASSERT_INT_EQ(cur_skip(&k, (size_t)-1), E_FORMAT);
}

DEFINE_TEST(test_base_cur_lines)
{
	const char *text = "a\nbcd\n\nlast", *line;
	struct cur k;
	size_t len;

	cur_init(&k, text, strlen(text));
	ASSERT_INT_EQ(cur_get_line(&k, 10, &line, &len), 0);
	ASSERT_INT_EQ(len, 1);
	ASSERT_INT_EQ(cur_get_line(&k, 2, &line, &len), E_LIMIT);
	ASSERT_INT_EQ(cur_get_line(&k, 3, &line, &len), 0);
	ASSERT(len == 3 && memcmp(line, "bcd", 3) == 0);
	ASSERT_INT_EQ(cur_get_line(&k, 3, &line, &len), 0);
	ASSERT_INT_EQ(len, 0);
	ASSERT_INT_EQ(cur_get_line(&k, 10, &line, &len), 0);
	ASSERT(len == 4 && memcmp(line, "last", 4) == 0);
	ASSERT_INT_EQ(cur_get_line(&k, 10, &line, &len), E_FORMAT);
}

DEFINE_TEST(test_base_json_string_escapes)
{
	struct sb b = SB_INIT;

	sb_add_json_str(&b, "a\"b\\c\n\x01 \xc3\xa9 \xff");
	ASSERT_STR_EQ(sb_str(&b), "\"a\\\"b\\\\c\\n\\u0001 \xc3\xa9 \\ufffd\"");
	sb_reset(&b);
	sb_add_json_str(&b, NULL);
	ASSERT_STR_EQ(sb_str(&b), "null");
	sb_free(&b);
}

DEFINE_TEST(test_base_file_atomic)
{
	struct ctx c;
	uint8_t *buf;
	size_t len;

	ctx_init(&c);
	ASSERT_OK(&c, file_write_atomic(&c, "f", "old", 3, 0644));
	ASSERT_OK(&c, file_write_atomic(&c, "f", "new!", 4, 0644));
	ASSERT_OK(&c, file_read(&c, "f", 100, &buf, &len));
	ASSERT(len == 4 && memcmp(buf, "new!", 4) == 0);
	free(buf);
	ASSERT_INT_EQ(file_read(&c, "f", 3, &buf, &len), E_LIMIT);
	ASSERT(buf == NULL);
	ASSERT_INT_EQ(file_read(&c, "missing", 3, &buf, &len), E_IO);
	ASSERT(strstr(c.err, "missing: No such file") != NULL);
	/* a failed write (directory does not exist) leaves nothing behind */
	ASSERT_INT_EQ(file_write_atomic(&c, "nodir/f", "x", 1, 0644), E_IO);
}
