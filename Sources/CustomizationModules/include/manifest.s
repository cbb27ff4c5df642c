# The manifest as the module's custom section "tenantry.customization": the bytes of the
# manifest.json found on the include path (-I the example's folder). clang-14 does not emit C
# data into custom sections, hence this file.
	.section	.custom_section.tenantry.customization,"",@
	.incbin	"manifest.json"
