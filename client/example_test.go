package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/flyscript/flyscript/client"
)

// A stand-in for the API, so that the example runs anywhere.
func fakeAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"id":"3d8d9a1c5e6f87","name":"web-1","region":"ord","state":"started"},
		               {"id":"91857e3b224d38","name":"web-2","region":"ams","state":"stopped"}]`)
	}))
}

// List the machines of an app. With a real token, client.FromEnv() replaces
// client.New and the two options.
func Example() {
	api := fakeAPI()
	defer api.Close()

	c, err := client.New(client.WithBaseURL(api.URL), client.WithToken("fm2_example"))
	if err != nil {
		panic(err)
	}
	machines, err := c.Machines.List(context.Background(), "my-app", nil)
	if err != nil {
		panic(err)
	}
	for _, m := range machines {
		fmt.Println(m.ID, m.Name, m.Region, m.State)
	}
	// Output:
	// 3d8d9a1c5e6f87 web-1 ord started
	// 91857e3b224d38 web-2 ams stopped
}

// The raw path: an operation by its pattern, the answer undecoded.
func ExampleClient_Do() {
	api := fakeAPI()
	defer api.Close()

	c, _ := client.New(client.WithBaseURL(api.URL), client.WithToken("fm2_example"))
	resp, err := c.Do(context.Background(), &client.Request{
		Method:  "GET",
		Pattern: "/v1/apps/{app_name}/machines",
		Params:  map[string]string{"app_name": "my-app"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, len(resp.Body) > 0)
	// Output: 200 true
}
