package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/jsii-runtime-go"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/portal/steps"
)

// FlowsDir holds the flows' ASL, rendered from their descriptions in
// shared/portal (a test there keeps the files equal to them).
const FlowsDir = "../shared/portal/flows"

// stepPlaceholder is how the ASL names a step's function: ${Step}.
var stepPlaceholder = regexp.MustCompile(`\$\{([A-Za-z][A-Za-z0-9]*)\}`)

// ReadFlows reads every flow's ASL and the steps it names, in the order it
// names them. It fails when a flow names a step whose needs
// shared/portal/steps does not declare: its function would be deployed
// with the wrong memory, timeout or no ffmpeg.
func ReadFlows() (map[string]string, map[string][]string, error) { return readFlows(FlowsDir) }

func readFlows(dir string) (map[string]string, map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.asl.json"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("no flows in %s: %v", dir, err)
	}
	asl, named := map[string]string{}, map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		if !json.Valid(b) {
			return nil, nil, fmt.Errorf("%s is not JSON", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".asl.json")
		asl[name] = string(b)
		for _, m := range stepPlaceholder.FindAllStringSubmatch(string(b), -1) {
			if _, ok := steps.Needs[m[1]]; !ok {
				return nil, nil, fmt.Errorf("%s names step %s, which shared/portal/steps does not declare", f, m[1])
			}
			if !slices.Contains(named[name], m[1]) {
				named[name] = append(named[name], m[1])
			}
		}
	}
	return asl, named, nil
}

// newFlows declares one state machine per flow and one function per step
// (the steps binary, OPENLOT_STEP naming the step), invoked directly by
// the machine, each with what shared/portal/steps says it needs. The steps
// that read or make media get the ffmpeg layer when the context names one
// (ffmpegLayerArn), with the programs at /opt/bin.
func newFlows(stack awscdk.Stack, o Options, env map[string]*string, st storage) (map[string]awsstepfunctions.StateMachine, error) {
	asl, named, err := ReadFlows()
	if err != nil {
		return nil, err
	}
	var ffmpeg []awslambda.ILayerVersion
	if o.FFmpegLayerArn != "" {
		ffmpeg = append(ffmpeg, awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("FFmpeg"), jsii.String(o.FFmpegLayerArn)))
	}
	functions := map[string]awslambda.Function{}
	out := map[string]awsstepfunctions.StateMachine{}
	for _, name := range slices.Sorted(maps.Keys(asl)) {
		subs := map[string]*string{}
		var fns []awslambda.Function
		for _, step := range named[name] {
			fn, ok := functions[step]
			if !ok {
				fn = newStepFunction(stack, o, env, st, step, ffmpeg)
				functions[step] = fn
			}
			subs[step] = fn.FunctionArn()
			fns = append(fns, fn)
		}
		m := awsstepfunctions.NewStateMachine(stack, jsii.String("Flow-"+name), &awsstepfunctions.StateMachineProps{
			Comment:                 jsii.String("openlot flow " + name),
			DefinitionBody:          awsstepfunctions.DefinitionBody_FromString(jsii.String(asl[name])),
			DefinitionSubstitutions: &subs,
			Timeout:                 awscdk.Duration_Days(jsii.Number(30)), // a secondary asset may wait days for its primary
			Logs:                    flowLogs(stack, o, name),
			TracingEnabled:          jsii.Bool(true),
		})
		alarmFlow(stack, o, name, m)
		suppressFlowFindings(m)
		for _, fn := range fns {
			fn.GrantInvoke(m)
		}
		out[name] = m
	}
	return out, nil
}

// newStepFunction declares the function of one flow step: the steps
// binary told its step, with the memory, time, /tmp and ffmpeg the step
// needs (ReadFlows made sure it declares them).
func newStepFunction(stack awscdk.Stack, o Options, env map[string]*string, st storage, step string, ffmpeg []awslambda.ILayerVersion) awslambda.Function {
	need := steps.Needs[step]
	f := function{name: "Step" + step, asset: "steps", description: "openlot flow step " + step,
		env:      with(env, map[string]*string{awsenv.Step: jsii.String(step)}),
		memoryMB: need.Memory(), timeoutSeconds: need.Timeout(), scratchMB: need.ScratchMB}
	if need.Media {
		f.env[awsenv.FFprobe], f.env[awsenv.FFmpeg] = jsii.String("/opt/bin/ffprobe"), jsii.String("/opt/bin/ffmpeg")
		f.layers = ffmpeg
	}
	return newFunction(stack, o, st, f)
}
