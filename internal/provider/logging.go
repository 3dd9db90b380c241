package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the terraform-plugin-log subsystem of API traffic. Its level is
// TF_LOG_PROVIDER_SWR_API, within what the CLI passes on (TF_LOG_PROVIDER): with
// TF_LOG_PROVIDER=DEBUG its lines show, TF_LOG_PROVIDER_SWR_API=OFF leaves them out.
const logSubsystem = "swr_api"

// withAPILogging returns ctx with the API log subsystem, masking every secret
// value anywhere in its messages and fields.
func withAPILogging(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", logSubsystem))
	if len(secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secrets...)
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

// tfLogger hands the client's request log entries to the subsystem.
type tfLogger struct{}

func (tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
}

// secretMask replaces a secret in a diagnostic, as terraform-plugin-log does in the log.
const secretMask = "***"

// maskSecrets replaces every secret in s with secretMask.
func maskSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, secretMask)
		}
	}
	return s
}
