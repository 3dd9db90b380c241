package main

import "context"

func runBench(ctx context.Context, root string, args []string) error            { return nil }
func runInstallTest(ctx context.Context, root string, args []string) error      { return nil }
func runDocs(ctx context.Context, root string, args []string) error             { return nil }
func runReleaseSnapshot(ctx context.Context, root string, args []string) error  { return nil }
func runFuzz(ctx context.Context, root string, args []string) error             { return nil }
