/*
 * fuzz_osrel.c - the os-release parser (image_os_parse).
 */
#include "config.h"

#include "base/ctx.h"
#include "image/image.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osinfo os;
	struct ctx c;
	int r;

	ctx_init(&c);
	memset(&os, 0, sizeof(os));
	r = image_os_parse(&c, data, size, &os);
	if (r == 0) {
		fuzz_touch_str(os.id);
		fuzz_touch_str(os.version_id);
		fuzz_touch_str(os.codename);
		fuzz_touch_str(os.pretty_name);
	} else {
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
	}
	osinfo_free(&os);
	return 0;
}
