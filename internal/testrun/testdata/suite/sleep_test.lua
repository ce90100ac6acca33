-- Four tests, ten virtual minutes of sleeping in all.
local t = require("assert")
for i = 1, 4 do
  test("sleeps " .. i, function()
    local t0 = time.now()
    for _ = 1, 6 do
      time.sleep(25)
    end
    t.equal(time.now() - t0, 150)
  end)
end
